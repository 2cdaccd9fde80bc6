/**
 * Checkpoints in protocol terms: the panel state of some repos, written as
 * the messages that rebuild it (a hook hello, one `repo/registered` per repo
 * with its model and stores, the unregistrations, taps and drops), plus the
 * two counters no message can set.
 *
 * Why protocol terms rather than the reducer's state: a recording is read by
 * running the panel's current reducer over it, so what later versions of the
 * panel derive from messages (new views, new state) works on old recordings,
 * and the format changes only when the protocol does. What a checkpoint
 * cannot hold is history: who was in a room before, change counts, the event
 * log. Those restart at the checkpoint.
 */
import type { BackgroundToPanelMessage, HookToPanelMessage, StoreSnapshot } from "../../protocol/messages"
import { apply } from "../state/apply"
import { initialState, type PanelState, type RepoState } from "../state/panel-state"
import type { Checkpoint } from "./format"

/** Instance of the made-up page that earlier pages' gone repos belong to. */
const EARLIER_PAGE = "ephemera-checkpoint:earlier-page"
const CURRENT_PAGE = "ephemera-checkpoint:current-page"

function storesOf(repo: RepoState): StoreSnapshot[] {
  const stores: StoreSnapshot[] = []
  for (const room of repo.rooms.values()) {
    for (const [namespace, entries] of room.namespaces) {
      stores.push({
        docId: room.docId,
        namespace,
        entries: [...entries.values()].map(entry => ({
          key: entry.key,
          ...(entry.deleted ? {} : { value: entry.value ?? null }),
          deleted: entry.deleted,
          ...(entry.timestamp !== undefined ? { timestamp: entry.timestamp } : {}),
          ...(entry.size !== undefined ? { size: entry.size } : {}),
        })),
      })
    }
  }
  return stores
}

function repoMessages(repo: RepoState): HookToPanelMessage[] {
  const repoId = repo.info.repoId
  const messages: HookToPanelMessage[] = [{ type: "repo/registered", repo: repo.info, snapshot: repo.model, stores: storesOf(repo) }]
  for (const [tap, reason] of repo.disabledTaps) messages.push({ type: "repo/tap-disabled", repoId, tap: tap as never, reason })
  if (repo.gone) messages.push({ type: "repo/unregistered", repoId, reason: repo.goneReason ?? "unregistered" })
  return messages
}

/** A repo's slot in the list, without its data (the real registration follows on the current page). */
function placeholder(repo: RepoState): HookToPanelMessage {
  return {
    type: "repo/registered",
    repo: repo.info,
    snapshot: { identity: repo.model.identity, peers: [], channels: [], documents: [] },
    stores: [],
  }
}

function hello(state: PanelState, instance: string): HookToPanelMessage {
  const hook = state.hook
  return {
    type: "hook/hello",
    protocol: hook?.protocol ?? 1,
    hookVersion: hook?.version ?? "unknown",
    url: hook?.url ?? state.page.url ?? "",
    instance,
  }
}

/** The state of the repos `include` picks, in protocol terms. */
export function checkpointOf(state: PanelState, include: (repo: RepoState) => boolean = () => true): Checkpoint {
  const repos = [...state.repos.values()].filter(include)
  const current = repos.filter(repo => repo.epoch >= state.epoch)
  const hookMessages: HookToPanelMessage[] = []
  if (current.length < repos.length) {
    // Repos of earlier pages must end up older than the current page's, as
    // they are live: a later registration with their label replaces them. So
    // every repo is announced on a made-up earlier page first (the current
    // ones as bare placeholders, which keeps the list order), then a hello
    // from another instance starts the current page.
    hookMessages.push(hello(state, EARLIER_PAGE))
    for (const repo of repos) hookMessages.push(...(repo.epoch < state.epoch ? repoMessages(repo) : [placeholder(repo)]))
  }
  if (state.hook || current.length < repos.length) hookMessages.push(hello(state, state.hook?.instance ?? CURRENT_PAGE))
  for (const repo of current) hookMessages.push(...repoMessages(repo))
  for (const [reason, count] of Object.entries(state.hookDropReasons)) hookMessages.push({ type: "hook/dropped", count, reason })
  const messages: BackgroundToPanelMessage[] = [
    { type: "background/page-status", connected: state.page.connected, ...(state.page.url !== undefined ? { url: state.page.url } : {}) },
    { type: "background/relay-stats", stats: state.relay },
    { type: "background/page-batch", batch: { seq: 0, messages: hookMessages } },
  ]
  return { messages, counters: { ...(state.lastSeq !== undefined ? { lastSeq: state.lastSeq } : {}), lostBatches: state.lostBatches } }
}

/** An empty panel state with the checkpoint applied: where a recording starts. */
export function restoreCheckpoint(checkpoint: Checkpoint, now: number, logCapacity?: number): PanelState {
  let state = initialState(logCapacity)
  for (const message of checkpoint.messages) state = apply(state, message, now)
  return { ...state, lastSeq: checkpoint.counters.lastSeq, lostBatches: checkpoint.counters.lostBatches }
}
