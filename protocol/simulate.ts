/**
 * Simulated peers: the messages the panel's Simulate view and the page hook
 * exchange, and the data they carry. Types only, like `messages.ts`; the
 * unions below are meant to be merged into `PanelToHookMessage` and
 * `HookToPanelMessage`.
 *
 * A simulated peer is a fake participant the page's own repo sees through the
 * real protocol (a channel, a handshake and ephemeral frames). All of a
 * repo's simulated peers arrive on one channel, the relay, as people behind a
 * hub arrive on the hub's channel. A peer's id is a peer id like any other, so
 * every store key with an id listed in the latest `simulate/state` is simulated.
 */

/** A plain JSON value: what a simulated peer can write into a namespace. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * - `local`: only this page's repo sees the peer; its keys are stripped from
 *   everything the page sends (frames, heartbeats, sync messages).
 * - `network`: frames carry enough hops for a hub to relay them to every peer.
 */
export type SimulatedVisibility = "local" | "network"

/** One step of a keyframe script: from `at` ms after start, the value is `value`. */
export interface Keyframe {
  at: number
  value: JsonValue
}

/** How a namespace's value changes over time. */
export type BehaviourSpec =
  /** The value never changes. */
  | { kind: "static" }
  /**
   * Moves numeric `x`/`y` fields of an object value by up to `step` per
   * update, `rateHz` updates a second, staying inside `bounds` ([min, max]).
   * The same `seed` gives the same path; without one the peer id seeds it.
   */
  | {
      kind: "random-walk"
      rateHz: number
      bounds: { x: [number, number]; y: [number, number] }
      step: number
      seed?: number
    }
  /** Flips the boolean `field` of an object value every `periodMs` (e.g. typing on/off). */
  | { kind: "toggle"; field: string; periodMs: number }
  /**
   * Replaces the value by each frame's value at its `at` time (before the
   * first frame: the namespace's own value). With `loop`, starts over every
   * `durationMs` (default: last `at` plus the average gap between frames).
   */
  | { kind: "keyframes"; frames: Keyframe[]; loop?: boolean; durationMs?: number }

export type BehaviourKind = BehaviourSpec["kind"]

/** A namespace a simulated peer writes: its starting value and how it changes. */
export interface SimulatedNamespaceSpec {
  value: JsonValue
  behaviour: BehaviourSpec
}

/** What the panel asks for when it adds a simulated peer. */
export interface SimulatedPeerSpec {
  /** Identity name the app's model shows (fixed after the handshake). */
  name: string
  /** The document (room) whose ephemeral stores the peer writes, e.g. `room:lobby`. */
  docId: string
  visibility: SimulatedVisibility
  /** e.g. `{ presence: {...}, cursor: {...} }`: one entry per namespace, keyed by namespace. */
  namespaces: Record<string, SimulatedNamespaceSpec>
}

/**
 * An edit to a live simulated peer. Each listed namespace is replaced (its
 * behaviour restarts); `null` stops writing it and deletes its entry
 * everywhere. Name, document and visibility are fixed: remove and add instead.
 */
export interface SimulatedPeerPatch {
  namespaces: Record<string, SimulatedNamespaceSpec | null>
}

/**
 * - `connecting`: the relay's handshake is under way, nothing written yet.
 * - `live`: the relay is established; values are being written.
 * - `removing`: its entries are being deleted (tombstones).
 */
export type SimulatedPeerState = "connecting" | "live" | "removing"

/** A simulated peer as the hook reports it. */
export interface SimulatedPeerInfo {
  /** The peer id: the key of its entries in every namespace store. */
  id: string
  name: string
  docId: string
  visibility: SimulatedVisibility
  /** As configured (starting values, not the values of the moment). */
  namespaces: Record<string, SimulatedNamespaceSpec>
  paused: boolean
  state: SimulatedPeerState
  /** The relay channel it arrives on, in the repo's model (adapterType "ephemera-simulated", kind "other"). */
  channelId: number
  /** ms since epoch. */
  createdAt: number
  /** The last failure delivering this peer's data to the repo, if any. */
  error?: string
}

/**
 * Simulated network conditions for the ephemeral messages (`channel/ephemeral`
 * frames, alone or in a batch) crossing one channel of a repo, in both
 * directions, applied by the hook at the channel boundary. Other messages
 * (documents, sync, handshakes) pass untouched and on time.
 */
export interface NetworkConditions {
  /** Every frame is held this long (ms, 0..10000). */
  delayMs: number
  /** Plus a random 0..jitterMs more (ms, 0..10000); frames still arrive in order. */
  jitterMs: number
  /** Share of frames lost (0..100). */
  dropPercent: number
  /** Share of frames held back to arrive after later ones (0..100). */
  reorderPercent: number
}

/** A channel under simulated conditions, and what happened to its frames so far. */
export interface ChannelConditionsInfo {
  channelId: number
  conditions: NetworkConditions
  /** Frames held and delivered, dropped, and waiting now. */
  delivered: number
  dropped: number
  pending: number
}

// ---------------------------------------------------------------------------
// Panel -> page hook
// ---------------------------------------------------------------------------

export type SimulatePanelToHookMessage =
  /** Add peers to a repo, all or none: an invalid spec adds nothing and is answered with simulate/error. */
  | { type: "simulate/add"; requestId: string; repoId: string; peers: SimulatedPeerSpec[] }
  /** Edit one peer's namespaces. */
  | {
      type: "simulate/update"
      requestId: string
      repoId: string
      peerId: string
      patch: SimulatedPeerPatch
    }
  /** Freeze (true) or resume (false) one peer's behaviours; its values stay where they are. */
  | { type: "simulate/pause"; requestId: string; repoId: string; peerId: string; paused: boolean }
  /** Remove one peer: its entries are deleted everywhere they reached. */
  | { type: "simulate/remove"; requestId: string; repoId: string; peerId: string }
  /** Remove every simulated peer of a repo. */
  | { type: "simulate/remove-all"; requestId: string; repoId: string }
  /**
   * Whether simulated peers survive the panel closing (default false: the
   * hook removes them when the last panel unsubscribes).
   */
  | { type: "simulate/set-keep-on-close"; requestId: string; repoId: string; keep: boolean }
  /**
   * Sets (or, with `null`, removes) simulated network conditions on one
   * channel of a repo. They never outlive the panel: the hook removes them
   * all when the last panel goes away, whatever keep-on-close says.
   */
  | { type: "simulate/network"; requestId: string; repoId: string; channelId: number; conditions: NetworkConditions | null }

// ---------------------------------------------------------------------------
// Page hook -> panel
// ---------------------------------------------------------------------------

export type SimulateHookToPanelMessage =
  /**
   * The full list of a repo's simulated peers, sent after every change (not
   * on behaviour ticks). `pageLeft`: the page started to leave (reload,
   * navigation, close) and removed every peer with it; sent once, instead of
   * the removal's steps.
   */
  | { type: "simulate/state"; repoId: string; peers: SimulatedPeerInfo[]; keepOnClose: boolean; pageLeft?: true }
  /** A repo's channels under simulated network conditions, after every change and about once a second while any is set. */
  | { type: "simulate/network-state"; repoId: string; channels: ChannelConditionsInfo[] }
  /** A simulate/* request failed; `message` is meant for the user. Nothing was changed. */
  | { type: "simulate/error"; requestId: string; message: string; code?: SimulationErrorCode }

/** Why a simulate/* request failed. */
export type SimulationErrorCode = "unsupported-repo" | "invalid-spec" | "unknown-doc" | "unknown-peer" | "unknown-channel" | "disposed"
