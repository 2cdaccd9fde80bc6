/**
 * The hook's observed events for one repo, applied in order: store events
 * update the ephemeral maps, synchronizer messages (and model events, from a
 * library whose model the hook reads rather than sees change) replace the
 * parts of the model they changed, and every event goes to the event log.
 */
import { skipUnknown, type HookEvent, type ModelSnapshot } from "../../protocol/messages"
import { ephemeralDocIds, storeSenderKey, storeSenders } from "./attribution"
import type { Draft, Mutable } from "./draft"
import { ensureNamespace, writeEntries } from "./ephemeral-maps"
import { applyHubEvents, emptyHubRelay, isHub } from "./hub-relay"
import { appendToLog, type ObservedEvent } from "./event-log"
import { noteMemberChange } from "./members"
import { channelsOf, documentsOf, peersOf } from "./model"
import type { PanelState, RepoState } from "./panel-state"
import { draftRoom, refreshRoomsFromModel, settleRoom } from "./rooms"

type StoreEvent = Extract<HookEvent, { kind: "store" }>

/** The page may run a newer hook than this panel: unknown kinds are skipped, not fatal. */
export function applyRepoEvents(draft: Draft, state: Mutable<PanelState>, repoId: string, events: readonly HookEvent[]): void {
  const current = state.repos.get(repoId)
  // Checked at runtime (page data), typed explicitly: Array.isArray would widen the elements to any.
  const list: readonly HookEvent[] = Array.isArray(events) ? events : []
  if (!current || list.length === 0) return
  const repos = draft.map(state.repos)
  state.repos = repos
  const repo = draft.object(current)
  repos.set(repoId, repo)

  const logged: ObservedEvent[] = []
  // automerge-repo's maps are keyed by peer (Presence, and broadcasts by sender).
  const keysArePeers = repo.info.library === "automerge-repo"
  // The model each event was observed against, for the log. Copied because a
  // drafted model is written in place by later deltas of the same batch.
  let observedModel: ModelSnapshot | undefined
  const observe = (event: HookEvent) => {
    observedModel ??= { ...repo.model }
    logged.push({ event, model: observedModel, label: repo.info.label, keysArePeers })
  }
  // Presence is settled once per batch, at the time of the last event that touched the room.
  const touched = new Map<string, number>()
  let modelChangedAt: number | undefined
  for (const event of list) {
    if (typeof event !== "object" || event === null) continue
    const t = typeof event.t === "number" ? event.t : 0
    switch (event.kind) {
      case "store":
        observe(event)
        if (typeof event.docId !== "string" || typeof event.namespace !== "string") break
        if (applyStoreEvent(draft, repo, event, t)) touched.set(event.docId, t)
        break
      case "store-created":
        observe(event)
        if (typeof event.docId !== "string" || typeof event.namespace !== "string") break
        if (repo.rooms.get(event.docId)?.namespaces.has(event.namespace)) break
        ensureNamespace(draft, draftRoom(draft, repo, event.docId), event.namespace)
        touched.set(event.docId, t)
        break
      case "sync-message":
      case "model":
        observe(event)
        if (applyDelta(draft, repo, event.delta)) {
          modelChangedAt = t
          observedModel = undefined
        }
        break
      case "channel-in": {
        // A message the repo dropped on arrival (gossip seen before) delivers nothing.
        const docIds = event.discarded === undefined ? ephemeralDocIds(event.message, event.msgType) : []
        if (docIds.length > 0)
          repo.lastInbound = {
            via: { channelId: event.channelId, peerId: event.peerId },
            docIds,
            senders: storeSenders(event.message, event.msgType),
          }
        observe(event)
        break
      }
      case "channel-out":
        observe(event)
        break
      case "emitter":
        observe(event)
        if (applyReadyStates(draft, repo, event)) {
          modelChangedAt = t
          observedModel = undefined
        }
        break
      default:
        skipUnknown(event)
    }
  }
  repo.eventCount += list.length
  // Judged by the model before and after the batch: a hub is counted from its second spoke on.
  if (isHub(repo.model) || repo.hubRelay) repo.hubRelay = applyHubEvents(repo.hubRelay ?? emptyHubRelay, list)
  if (modelChangedAt !== undefined) {
    refreshRoomsFromModel(draft, repo, Math.max(modelChangedAt, ...touched.values()))
  } else {
    for (const [docId, t] of touched) settleRoom(draft, repo, docId, t)
  }
  if (logged.length > 0) state.log = appendToLog(state.log, logged)
}

/** Returns whether anything (value or timestamp) changed. */
function applyStoreEvent(draft: Draft, repo: Mutable<RepoState>, event: StoreEvent, t: number): boolean {
  const inbound = repo.lastInbound
  const fromInbound = event.by === "import" && inbound?.docIds.includes(event.docId)
  const via = fromInbound ? inbound!.via : undefined
  const sender = fromInbound ? inbound!.senders?.get(storeSenderKey(event.docId, event.namespace)) : undefined
  const existing = repo.rooms.get(event.docId)
  // Write into a scratch holder first: an event that changes nothing must not copy the room.
  const scratch = { namespaces: existing?.namespaces ?? new Map() }
  const entries = Array.isArray(event.entries) ? event.entries : []
  const { changed, wrote } = writeEntries(draft, scratch, event.namespace, entries, {
    t,
    by: String(event.by),
    localPeerId: repo.info.peerId,
    via,
    sender,
  })
  if (existing && !wrote) return false
  const room = draftRoom(draft, repo, event.docId)
  room.namespaces = scratch.namespaces
  for (const key of changed) noteMemberChange(draft, room, key, t, via)
  return true
}

/**
 * `ready-state-changed {docId, readyStates}` carries the ready states the
 * repo computed after a change. The model snapshot read with a sync message
 * holds the states from before it (the repo recomputes them afterwards), so
 * the event is what keeps the Sync view true after a reconnect.
 */
function applyReadyStates(draft: Draft, repo: Mutable<RepoState>, event: Extract<HookEvent, { kind: "emitter" }>): boolean {
  if (event.name !== "ready-state-changed" || typeof event.data !== "object" || event.data === null || Array.isArray(event.data))
    return false
  const { docId, readyStates } = event.data
  if (typeof docId !== "string" || !Array.isArray(readyStates)) return false
  const index = repo.model.documents.findIndex(doc => doc.docId === docId)
  if (index < 0) return false
  const model = draft.object(repo.model)
  const documents = repo.model.documents.slice()
  documents[index] = { ...documents[index]!, readyStates }
  model.documents = documents
  repo.model = model
  return true
}

/** A sync message's delta replaces whole parts of the model (they are compared by identity on the page). */
function applyDelta(draft: Draft, repo: Mutable<RepoState>, delta: unknown): boolean {
  if (typeof delta !== "object" || delta === null) return false
  const parts = delta as Record<string, unknown>
  const peers = peersOf(parts.peers)
  const channels = channelsOf(parts.channels)
  const documents = documentsOf(parts.documents)
  if (!peers && !channels && !documents) return false
  const model = draft.object(repo.model)
  if (peers) model.peers = peers
  if (channels) model.channels = channels
  if (documents) model.documents = documents
  repo.model = model
  return true
}
