/**
 * hook/snapshot, for the state of a tab compared with the inspected one (a
 * room across tabs). That tab's hook is not subscribed: each answer is the
 * whole picture, so it says hello (a new instance or url is a new page),
 * registers every repo it lists (merged onto what the state has, like a
 * resubscribe) and retires the repos it no longer lists.
 */
import type { HookToPanelMessage } from "../../protocol/messages"
import type { Draft, Mutable } from "./draft"
import type { PanelState } from "./panel-state"
import { registerRepo, resetPage, unregisterRepo } from "./repos"

type Snapshot = Extract<HookToPanelMessage, { type: "hook/snapshot" }>

export function applyTabSnapshot(draft: Draft, state: Mutable<PanelState>, message: Snapshot, now: number): void {
  if (!Array.isArray(message.repos)) return
  const url = String(message.url)
  const instance = String(message.instance)
  if (state.hook && state.hook.url !== url) resetPage(draft, state, "page navigated", now)
  else if (state.hook && state.hook.instance !== instance) resetPage(draft, state, "page reloaded", now)
  state.hook = { version: String(message.hookVersion), protocol: message.protocol, url, instance }
  const listed = new Set<string>()
  for (const repo of message.repos) {
    if (typeof repo !== "object" || repo === null || typeof repo.repo?.repoId !== "string") continue
    listed.add(repo.repo.repoId)
    registerRepo(draft, state, { type: "repo/registered", ...repo }, now)
  }
  for (const [repoId, repo] of state.repos) {
    if (!repo.gone && !listed.has(repoId)) unregisterRepo(draft, state, repoId, "unregistered", now)
  }
}
