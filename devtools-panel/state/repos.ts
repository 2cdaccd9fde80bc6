/**
 * Repos as the hook announces them. A registration carries a full snapshot;
 * re-announcing the same repo on the same page (every resubscribe does) must
 * leave the state as it was, so snapshots merge onto what the panel has.
 * After a page reload the old page's repos turn gone, and the new page's
 * registrations take their places (same repo id or same label).
 */
import type { HookToPanelMessage, RepoInfo } from "../../protocol/messages"
import type { Draft, Mutable } from "./draft"
import { namespaceFromSnapshot, type WriteContext } from "./ephemeral-maps"
import { modelOf } from "./model"
import type { NamespaceMap, PanelState, RepoState, RoomState } from "./panel-state"
import { refreshRoomsFromModel } from "./rooms"

type Registered = Extract<HookToPanelMessage, { type: "repo/registered" }>

function list<T>(value: readonly T[] | undefined): T[] {
  return Array.isArray(value) ? value.slice() : []
}

function disabledTapsOf(info: RepoInfo, previous: ReadonlyMap<string, string> | undefined): Map<string, string> {
  const taps = new Map(previous)
  for (const tap of list(info.taps)) {
    if (tap && tap.enabled === false) taps.set(tap.tap, tap.reason ?? "disabled")
  }
  return taps
}

/** The repo a registration replaces: the same id, else a gone repo of an earlier page with the same label. */
function predecessorOf(state: PanelState, info: RepoInfo): RepoState | undefined {
  const sameId = state.repos.get(info.repoId)
  if (sameId) return sameId
  for (const repo of state.repos.values()) {
    if (repo.gone && repo.epoch < state.epoch && repo.info.label === info.label) return repo
  }
  return undefined
}

export function registerRepo(draft: Draft, state: Mutable<PanelState>, message: Registered, now: number): void {
  if (typeof message.repo?.repoId !== "string") return
  // Recordings made before a second library existed name none: theirs is loro-extended.
  const info: RepoInfo = message.repo.library === undefined ? { ...message.repo, library: "loro-extended" } : message.repo
  const predecessor = predecessorOf(state, info)
  // History carries over only within one page; a reloaded page starts afresh.
  const history = predecessor && predecessor.epoch === state.epoch ? predecessor : undefined
  const context: WriteContext = { t: now, by: "snapshot", localPeerId: info.peerId }
  const rooms = new Map<string, RoomState>()
  for (const store of list(message.stores)) {
    if (typeof store?.docId !== "string" || typeof store.namespace !== "string") continue
    const previous = history?.rooms.get(store.docId)
    const room = rooms.get(store.docId) ?? { ...(previous ?? { docId: store.docId, members: new Map() }), namespaces: new Map() }
    const namespaces = room.namespaces as Map<string, NamespaceMap>
    namespaces.set(store.namespace, namespaceFromSnapshot(previous?.namespaces.get(store.namespace), store, context))
    rooms.set(store.docId, room)
  }
  const model = modelOf(message.snapshot, { peerId: info.peerId, name: info.name, type: info.identityType })
  // Rooms known only through subscriptions keep their members' history too.
  for (const peer of model.peers) {
    for (const docId of peer.subscriptions) {
      const previous = history?.rooms.get(docId)
      if (!rooms.has(docId) && previous) rooms.set(docId, { ...previous, namespaces: new Map() })
    }
  }
  const repo: Mutable<RepoState> = draft.fresh({
    info,
    gone: false,
    epoch: state.epoch,
    model,
    rooms: draft.fresh(rooms),
    disabledTaps: disabledTapsOf(info, history?.disabledTaps),
    eventCount: history?.eventCount ?? 0,
    // A resubscribe (every new panel page of the standalone panel) keeps a hub's counts.
    ...(history?.hubRelay ? { hubRelay: history.hubRelay } : {}),
  })
  refreshRoomsFromModel(draft, repo, now)
  state.repos = replaceInPlace(state.repos, predecessor?.info.repoId, info.repoId, repo)
}

/** Keeps list order stable: a re-attached repo takes its predecessor's slot. */
function replaceInPlace(
  repos: ReadonlyMap<string, RepoState>,
  oldId: string | undefined,
  newId: string,
  repo: RepoState,
): Map<string, RepoState> {
  if (oldId === undefined) return new Map(repos).set(newId, repo)
  const next = new Map<string, RepoState>()
  for (const [id, existing] of repos) {
    if (id === oldId) next.set(newId, repo)
    else if (id !== newId) next.set(id, existing)
  }
  return next
}

function draftRepo(draft: Draft, state: Mutable<PanelState>, repoId: string): Mutable<RepoState> | undefined {
  const current = state.repos.get(repoId)
  if (!current) return undefined
  const repos = draft.map(state.repos)
  state.repos = repos
  const repo = draft.object(current)
  repos.set(repoId, repo)
  return repo
}

export function unregisterRepo(draft: Draft, state: Mutable<PanelState>, repoId: string, reason: string, now: number): void {
  const repo = state.repos.get(repoId)
  if (!repo || repo.gone) return
  const writable = draftRepo(draft, state, repoId)!
  writable.gone = true
  writable.goneReason = typeof reason === "string" ? reason : "unregistered"
  writable.goneAt = now
}

export function disableTap(draft: Draft, state: Mutable<PanelState>, repoId: string, tap: string, reason: string): void {
  const repo = draftRepo(draft, state, repoId)
  if (!repo) return
  const taps = draft.map(repo.disabledTaps)
  taps.set(String(tap), typeof reason === "string" && reason !== "" ? reason : "disabled")
  repo.disabledTaps = taps
}

/** A new page: its repos will register again; everything from the old page is gone. */
export function resetPage(draft: Draft, state: Mutable<PanelState>, reason: string, now: number): void {
  state.epoch += 1
  state.lastSeq = undefined
  for (const [repoId, repo] of state.repos) {
    if (repo.gone) continue
    const writable = draftRepo(draft, state, repoId)!
    writable.gone = true
    writable.goneReason = reason
    writable.goneAt = now
  }
}
