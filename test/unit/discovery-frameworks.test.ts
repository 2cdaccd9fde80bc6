// @vitest-environment jsdom
/**
 * Discovery in framework component state: real react + react-dom and real
 * vue rendering into jsdom, real repos, no register line.
 */
import { Repo } from "@loro-extended/repo"
import { Component, createContext, createElement as h, useMemo, useRef, useState, type ReactNode } from "react"
import { flushSync } from "react-dom"
import { createRoot, type Root } from "react-dom/client"
import { createApp, defineComponent, h as vh, ref, shallowRef } from "vue"
import { afterEach, describe, expect, it } from "vitest"
import type { HookToPanelMessage, PanelToHookMessage } from "../../protocol/messages"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { discoverRepos } from "../../injected/discovery"
import { createHook } from "../../injected/hook/create-hook"

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  document.body.innerHTML = ""
})

function repo(name: string): Repo {
  const created = new Repo({ identity: { name } })
  cleanups.push(() => created.synchronizer.stopHeartbeat())
  return created
}

function container(): HTMLElement {
  const element = document.createElement("div")
  document.body.append(document.createElement("header"), element)
  return element
}

function renderReact(node: ReactNode): Root {
  const root = createRoot(container())
  flushSync(() => root.render(node))
  cleanups.push(() => root.unmount())
  return root
}

const found = () => discoverRepos(window).map(({ path, repo }) => [path, (repo as Repo).identity.name])

/** What the React components below keep in their state; each test fills it in before rendering. */
const given: Record<string, Repo> = {}

function Room() {
  const [count] = useState(0)
  const [current] = useState(() => given.inState!)
  return h("p", null, `${current.identity.name} ${count}`)
}
function RoomApp() {
  return h("main", null, h("section", null, h(Room)))
}

const RepoContext = createContext<{ repo: Repo } | null>(null)
function WithRef() {
  useRef(given.ref)
  return null
}
function WithMemo() {
  useMemo(() => given.memo, [])
  return null
}
class WithField extends Component {
  repo = given.klass
  override render() {
    return null
  }
}
function HolderApp() {
  return h(RepoContext.Provider, { value: { repo: given.context! } }, h(WithRef), h(WithMemo), h(WithField))
}

function App() {
  useState(given.app)
  return null
}

describe("React component state", () => {
  it("finds a repo created in useState, deep in the tree, labelled by component and hook", () => {
    given.inState = repo("in-state")
    renderReact(h(RoomApp))
    expect(found()).toEqual([["React <Room> hook 1", "in-state"]])
  })

  it("finds repos in useRef, useMemo, a class component, and a context provider's value", () => {
    Object.assign(given, { ref: repo("ref"), memo: repo("memo"), klass: repo("class"), context: repo("context") })
    renderReact(h(HolderApp))
    expect(found()).toEqual([
      ["React <Context> props.value.repo", "context"],
      ["React <WithRef> hook 0.current", "ref"],
      ["React <WithMemo> hook 0.0", "memo"],
      ["React <WithField> this.repo", "class"],
    ])
  })

  it("registers what it finds through the hook's scan, as discovered", () => {
    given.app = repo("app-repo")
    renderReact(h(App))
    const transport = memoryTransport()
    const { hook, dispose } = createHook({ transport, url: () => location.href, root: window })
    cleanups.push(dispose)
    const relay = (message: PanelToHookMessage) => transport.deliver(message)
    relay({ type: "panel/subscribe" })
    relay({ type: "discovery/scan" })
    hook.flush()
    const registered = transport.messages().filter(isRegistered)
    expect(registered.map(m => [m.repo.label, m.repo.origin, m.repo.name])).toEqual([["React <App> hook 0", "discovered", "app-repo"]])
  })

  it("finds nothing, without throwing, in a page with no framework", () => {
    document.body.innerHTML = "<div id=root><p>plain</p></div>"
    expect(discoverRepos(window)).toEqual([])
  })
})

function isRegistered(message: HookToPanelMessage): message is Extract<HookToPanelMessage, { type: "repo/registered" }> {
  return message.type === "repo/registered"
}

describe("Vue apps", () => {
  it("finds repos in setup state (raw, ref, shallowRef), in data, and in what the app provides", () => {
    const repos = { raw: repo("raw"), ref: repo("ref"), shallow: repo("shallow"), data: repo("data"), provided: repo("provided") }
    const Child = defineComponent({
      name: "PeerList",
      data: () => ({ repo: repos.data }),
      render: () => vh("p", "child"),
    })
    const App = defineComponent({
      name: "App",
      setup() {
        return { raw: repos.raw, wrapped: ref(repos.ref), shallow: shallowRef(repos.shallow) }
      },
      render: () => vh("main", [vh("section", [vh(Child)])]),
    })
    const app = createApp(App)
    app.provide("repo", repos.provided)
    app.mount(container())
    cleanups.push(() => app.unmount())
    const discovered = discoverRepos(window)
    expect(discovered.map(({ path, repo }) => [path, (repo as Repo).identity.name])).toEqual([
      ["Vue app provides.repo", "provided"],
      ["Vue <App> setup.raw", "raw"],
      ["Vue <App> setup.wrapped", "ref"],
      ["Vue <App> setup.shallow", "shallow"],
      ["Vue <PeerList> data.repo", "data"],
    ])
    // The repos themselves, never Vue's reactive proxies of them.
    expect(discovered.map(found => found.repo)).toEqual([repos.provided, repos.raw, repos.ref, repos.shallow, repos.data])
  })
})
