/**
 * A React app whose repo lives in component state, as React apps keep it:
 * created once in useState, handed down through context. No register line.
 */
import type { Repo } from "@loro-extended/repo"
import { createContext, createElement as h, useContext, useEffect, useRef, useState } from "react"
import { createRoot } from "react-dom/client"
import { createRepo, markReady } from "../shared"

const RepoContext = createContext<Repo | null>(null)

function PeerBadge() {
  const repo = useContext(RepoContext)
  const badge = useRef<HTMLParagraphElement>(null)
  useEffect(() => {
    if (repo && badge.current) markReady(badge.current, repo)
  }, [repo])
  return h("p", { ref: badge, "data-testid": "peer" }, `peer ${repo?.identity.name ?? "none"}`)
}

function App() {
  const [repo] = useState(() => createRepo("react-peer"))
  return h(RepoContext.Provider, { value: repo }, h("main", null, h("h1", null, "React fixture"), h(PeerBadge)))
}

createRoot(document.getElementById("root")!).render(h(App))
