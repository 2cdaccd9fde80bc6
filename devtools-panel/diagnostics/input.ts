/**
 * What the detectors see: ONE stream of store, channel and model events,
 * whoever produced it. Today `panel-source.ts` makes it from what the page's
 * hook sends (stores read back by the page); a panel-side replica of the
 * store's rules can produce the same events later without a detector
 * changing. Nothing here knows the hook's wire format.
 *
 * Times are the page's clock (ms since epoch) when the event was observed.
 */
import type { ChannelSummary, PeerSummary, SourceLibrary, StoreEntry, WireValue } from "../../protocol/messages"

/** A repo as it introduced itself. */
export interface RepoIdentity {
  readonly repoId: string
  readonly peerId: string
  readonly label: string
  readonly name?: string
  /** The library the repo is from (undefined: loro-extended, as hooks before protocol 6 tapped only that). */
  readonly library?: SourceLibrary
}

/** One namespace store's entries, as the repo holds them. */
export interface HeldStore {
  readonly docId: string
  readonly namespace: string
  readonly entries: readonly StoreEntry[]
}

/** Where an imported entry came from: the channel, and whose copy of the store it was. */
export interface ImportSource {
  readonly channelId: number
  /** The peer at the other end of the channel (the writer, or a relay). */
  readonly channelPeer?: string
  /**
   * The peer that put the payload on the wire (`stores[i].peerId`): the
   * key's writer when it sent its own value, else a peer that sent its copy
   * of the whole store (re-stamped on that peer's heartbeats).
   */
  readonly sender?: string
}

/** One entry inside a frame, read on demand. */
export interface CarriedEntry {
  readonly key: string
  /** The stamp the sender's store gave it. */
  readonly timestamp: number
  readonly deleted: boolean
  /** The value as the panel shows values (undefined for tombstones). */
  value(): WireValue | undefined
}

/** One namespace's bytes inside a frame. */
export interface CarriedPayload {
  readonly docId?: string
  readonly namespace: string
  readonly sender?: string
  /** 1 from the sender itself; 0 when a relay forwards it unchanged. */
  readonly hops?: number
  /** Entries carried (read from the encoding's count, without decoding them). */
  readonly count: number
  /** The entries, decoded on first use; empty when the bytes were cut or unreadable. */
  entries(): readonly CarriedEntry[]
}

interface Timed {
  /** The page's clock when observed. */
  readonly t: number
}

interface OfRepo extends Timed {
  readonly repoId: string
}

/** An observed hook event's id in its repo, for evidence links. */
interface Evidenced extends OfRepo {
  readonly eventId: number
}

export type DiagnosticEvent =
  /** A repo appeared, or announced itself again, with everything it holds. */
  | (Timed & {
      readonly type: "repo"
      readonly repo: RepoIdentity
      readonly channels: readonly ChannelSummary[]
      readonly peers: readonly PeerSummary[]
      readonly stores: readonly HeldStore[]
    })
  /** A repo went away (unregistered, or its page reloaded). */
  | (OfRepo & { readonly type: "repo-gone" })
  /** The repo's channels or peers changed (the parts that changed, whole). */
  | (OfRepo & { readonly type: "model"; readonly channels?: readonly ChannelSummary[]; readonly peers?: readonly PeerSummary[] })
  /** Entries of one store changed: as the store holds them right after the change. */
  | (Evidenced & {
      readonly type: "store"
      readonly docId: string
      readonly namespace: string
      /** local: set/delete/touch by this repo; import: applied from a frame; timeout: expired. */
      readonly by: "local" | "import" | "timeout"
      readonly entries: readonly StoreEntry[]
      /** For imports: where one of the changed entries came from (worked out on demand). */
      readonly sourceOf?: (entry: StoreEntry) => ImportSource | undefined
    })
  /** A frame arrived on a channel (batches count as the messages inside them). */
  | (Evidenced & {
      readonly type: "frame-in"
      readonly channelId: number
      readonly channelPeer?: string
      readonly messages: number
      readonly payloads: readonly CarriedPayload[]
      /** Why the repo dropped it on arrival (automerge-repo: seen before, by session and count). */
      readonly discarded?: string
    })
  /** The repo sent a frame to channels. */
  | (Evidenced & {
      readonly type: "frame-out"
      readonly channelIds: readonly number[]
      readonly messages: number
      readonly payloads: readonly CarriedPayload[]
    })
  /**
   * The peers this page simulates itself (the Simulate view), after every
   * change: they are the panel's doing, not the app's traffic, and carry no
   * heartbeat of their own.
   */
  | (OfRepo & { readonly type: "simulated"; readonly peerIds: readonly string[] })
  /** The repo's heartbeat (every 10 s in 5.x): it re-stamps and re-sends every key. */
  | (Evidenced & { readonly type: "heartbeat" })
  /** Time passed with nothing observed (the panel's clock, or a recording's). */
  | (Timed & { readonly type: "tick" })

export type DiagnosticEventType = DiagnosticEvent["type"]

/** The heartbeat interval of @loro-extended/repo 5.x (synchronizer.ts HEARTBEAT_INTERVAL). */
export const HEARTBEAT_MS = 10_000
