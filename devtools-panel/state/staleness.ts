/**
 * Whether what the panel shows is still live. Once the extension's port,
 * the page's content script or the shown repo is gone, the panel keeps the
 * last state it received (it is what the user was looking at), but must say
 * so: nothing on screen changes any more, whatever it looks like.
 */
import { PAGE_SILENCE_MS } from "../../protocol/messages"
import type { TransportStatus } from "../transport/transport"
import type { PanelState, RepoState } from "./panel-state"

export interface Staleness {
  /** Why nothing updates: said in the banner. */
  readonly reason: string
  /** When the shown state was last received (absent when nothing ever was). */
  readonly at?: number
}

export function staleness(state: PanelState, link: TransportStatus, repo: RepoState | undefined, now: number): Staleness | undefined {
  const at = state.lastDataAt
  // Nothing received yet: the empty state says what to do; there is no old state to warn about.
  if (at === undefined && repo === undefined) return undefined
  if (link !== "connected") return { reason: "the connection to the extension is lost", at }
  if (!state.page.connected) return { reason: "the page disconnected", at }
  // The hook's heartbeat makes silence meaningful: a frozen page or a broken hook.
  const heardAt = Math.max(at ?? -Infinity, state.page.since ?? -Infinity)
  if (Number.isFinite(heardAt) && now - heardAt > PAGE_SILENCE_MS) return { reason: "the page's hook stopped sending", at }
  if (repo?.gone) {
    const reason =
      repo.goneReason === "page navigated" ? "the page navigated away" : `the repo is gone (${repo.goneReason ?? "unregistered"})`
    return { reason, at: repo.goneAt ?? at }
  }
  return undefined
}
