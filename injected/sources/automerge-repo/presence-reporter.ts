/**
 * One repo's bound Presence instances, reported as the panel's ephemeral
 * maps: a room per document, a namespace per Presence channel, a key per
 * peer, each value the peer's state on that channel as the Presence holds
 * it (getPeerStates(), and getLocalState() for the repo's own peer).
 *
 * Presence's events map onto the store vocabulary the panel already reads:
 * a peer's update or snapshot is an import of its channels; a heartbeat
 * re-stamps them (same values, a newer `lastSeenAt`); a goodbye deletes the
 * peer's entries, and pruning deletes them "by timeout", as expiry does in
 * loro-extended. The timestamp of a peer's entries is its `lastSeenAt`, on
 * this page's clock. Each event is also logged as an `emitter` event
 * (`presence/<type>`), so heartbeats and goodbyes show in the Log.
 */
import type { StoreChangeEntry } from "../../../codec/event-tape/event-writer"
import type { AutomergeRepoTapName, StoreSnapshot } from "../../../protocol/messages"
import { isObject, read } from "../shared/read"
import type { RepoSink, TapBoard } from "../shared/tap-board"
import type { PresenceDirectory, PresenceHost } from "./presence-directory"
import type { HandleLike, PresenceLike } from "./repo-shape"

const TAP = "presence"

interface Bound {
  readonly docId: string
  /** Channels reported per peer, so that a goodbye or pruning can delete them. */
  readonly reported: Map<string, Set<string>>
}

export class PresenceReporter implements PresenceHost {
  readonly #bound = new Map<PresenceLike, Bound>()
  readonly #board: TapBoard<AutomergeRepoTapName>
  readonly #sink: RepoSink
  readonly #selfId: () => string
  readonly #directory: PresenceDirectory

  constructor(directory: PresenceDirectory, board: TapBoard<AutomergeRepoTapName>, sink: RepoSink, selfId: () => string) {
    this.#directory = directory
    this.#board = board
    this.#sink = sink
    this.#selfId = selfId
  }

  adopt(presence: PresenceLike, handle: HandleLike): void {
    if (!this.#board.enabled(TAP)) return
    this.#board.guard(TAP, () => {
      const bound: Bound = { docId: handle.documentId, reported: new Map() }
      this.#bound.set(presence, bound)
      // What it held before we knew it: every peer, and its own state.
      const states = peerStatesOf(presence)
      for (const peerId of Object.keys(states)) this.#reportPeer(bound, states, peerId, "import")
      this.#reportLocal(presence, bound)
    })
  }

  presenceEvent(presence: PresenceLike, name: string, payload: unknown): void {
    const bound = this.#bound.get(presence)
    if (!bound) return
    this.#board.counts[TAP]++
    if (!this.#sink.listening) {
      // Kept current while nobody listens: a goodbye must not leave a ghost for the next panel.
      if (name === "goodbye" || name === "pruning") this.#board.guard(TAP, () => this.#forget(bound, name, payload, false))
      return
    }
    this.#board.guard(TAP, () => {
      const peerId = read(payload, "peerId")
      const pruned = read(payload, "pruned")
      this.#sink.event("emitter", {
        name: `presence/${name}`,
        data: {
          docId: bound.docId,
          ...(typeof peerId === "string" ? { peerId } : {}),
          ...(typeof read(payload, "channel") === "string" ? { channel: read(payload, "channel") } : {}),
          ...(Array.isArray(pruned) ? { pruned: pruned.map(String) } : {}),
        },
      })
      if (name === "goodbye" || name === "pruning") return this.#forget(bound, name, payload, true)
      if (typeof peerId === "string") this.#reportPeer(bound, peerStatesOf(presence), peerId, "import")
    })
  }

  localChanged(presence: PresenceLike, restarted: boolean): void {
    const bound = this.#bound.get(presence)
    if (!bound) return
    this.#board.guard(TAP, () => {
      if (restarted) {
        // start() begins with no peers: those it knew are gone from it.
        const states = peerStatesOf(presence)
        const gone = [...bound.reported.keys()].filter(peerId => !(peerId in states))
        for (const peerId of gone) this.#forget(bound, "goodbye", { peerId }, this.#sink.listening, "local")
      }
      if (this.#sink.listening) this.#reportLocal(presence, bound)
    })
  }

  /** Every bound presence's state, for a registration snapshot. */
  snapshot(): StoreSnapshot[] {
    const byStore = new Map<string, StoreSnapshot>()
    const add = (docId: string, namespace: string, key: string, value: unknown, timestamp: number) => {
      const id = `${docId}\n${namespace}`
      let store = byStore.get(id)
      if (!store) {
        store = { docId, namespace, entries: [] }
        byStore.set(id, store)
      }
      store.entries.push({ key, value: value as never, deleted: false, timestamp })
    }
    for (const [presence, bound] of this.#bound) {
      const states = peerStatesOf(presence)
      for (const [peerId, state] of Object.entries(states)) {
        const seenAt = Number(read(state, "lastSeenAt")) || Date.now()
        for (const [channel, value] of Object.entries(channelValues(state))) add(bound.docId, channel, peerId, value, seenAt)
        bound.reported.set(peerId, new Set(Object.keys(channelValues(state))))
      }
      const local = localStateOf(presence)
      for (const [channel, value] of Object.entries(local)) add(bound.docId, channel, this.#selfId(), value, Date.now())
    }
    return [...byStore.values()]
  }

  /** The repo is going: its presences are free to be bound again. */
  dispose(): void {
    this.#bound.clear()
    this.#directory.release(this)
  }

  #reportPeer(bound: Bound, states: Record<string, unknown>, peerId: string, by: string): void {
    const state = states[peerId]
    if (!isObject(state)) return
    const seenAt = Number(read(state, "lastSeenAt")) || Date.now()
    const channels = channelValues(state)
    let reported = bound.reported.get(peerId)
    if (!reported) {
      reported = new Set()
      bound.reported.set(peerId, reported)
    }
    for (const [channel, value] of Object.entries(channels)) {
      reported.add(channel)
      this.#write(bound.docId, channel, by, [{ key: peerId, value, deleted: false, timestamp: seenAt }])
    }
  }

  #reportLocal(presence: PresenceLike, bound: Bound): void {
    const now = Date.now()
    for (const [channel, value] of Object.entries(localStateOf(presence))) {
      this.#write(bound.docId, channel, "local", [{ key: this.#selfId(), value, deleted: false, timestamp: now }])
    }
  }

  /** A goodbye (one peer) or pruning (several): their entries are deleted, on this page's clock. */
  #forget(bound: Bound, name: string, payload: unknown, report: boolean, cause?: string): void {
    const pruned = read(payload, "pruned")
    const peerIds = name === "pruning" ? (Array.isArray(pruned) ? pruned.map(String) : []) : [String(read(payload, "peerId"))]
    const now = Date.now()
    const byChannel = new Map<string, StoreChangeEntry[]>()
    for (const peerId of peerIds) {
      for (const channel of bound.reported.get(peerId) ?? []) {
        byChannel.set(channel, [...(byChannel.get(channel) ?? []), { key: peerId, deleted: true, timestamp: now }])
      }
      bound.reported.delete(peerId)
    }
    if (!report) return
    const by = cause ?? (name === "pruning" ? "timeout" : "import")
    for (const [channel, entries] of byChannel) this.#write(bound.docId, channel, by, entries)
  }

  #write(docId: string, namespace: string, by: string, entries: StoreChangeEntry[]): void {
    this.#sink.event("store", { docId, namespace, by, entries })
  }
}

function peerStatesOf(presence: PresenceLike): Record<string, unknown> {
  const view = presence.getPeerStates()
  const value = read(view, "value")
  return isObject(value) ? value : {}
}

function localStateOf(presence: PresenceLike): Record<string, unknown> {
  const local = presence.getLocalState()
  return isObject(local) ? local : {}
}

function channelValues(state: unknown): Record<string, unknown> {
  const value = read(state, "value")
  return isObject(value) ? value : {}
}
