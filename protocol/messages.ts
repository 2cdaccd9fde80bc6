/**
 * The Ephemera wire protocol: every message that crosses a boundary between
 * the page hook, the content-script relay, the background and the panel.
 *
 * Types and constants only (no runtime dependencies), so every layer can
 * `import type` it. Runtime checks of untrusted input live in `validate.ts`.
 *
 * Unions are named by direction. Every switch over them ends in `assertNever`.
 */

/**
 * Bump when a message's shape changes in a way an older peer would misread.
 * Changelog:
 * - 1: first version (hello handshake, batched page traffic as JSON text,
 *   relay stats, relay/hello pinning the relay's nonce in the hook,
 *   simulate/* messages).
 * - 2: events stream as repo/event-tape; the page envelope says how much
 *   its batch carries (`count`), and the relay forwards the text unparsed.
 * - 3: tapes write a value seen before as Same (no more Ref), and store
 *   entries as the store's own bytes, decoded by the panel. Added within 3:
 *   a version announcement on the window, for a relay of another version.
 * - 4: hook and relay talk over a private MessageChannel paired at
 *   document_start (no window envelopes, no nonce); a batch's seq travels
 *   beside its text, not in it; hook/heartbeat; store values beyond the cap
 *   arrive as `oversized` summaries; hook/dropped may list what it lost.
 *   The relay's port offer carries its protocol, and a hook of another
 *   version answers it with HookVersionAnnouncement: the pairing events,
 *   the offer's protocol and the announcement are fixed from 4 on (a hook
 *   of 3 or before, on the window, is not heard).
 * - 5: a room across tabs (origin-tabs.ts): panel/snapshot and hook/snapshot
 *   between panel and hook; watching the inspected tab's origin between
 *   panel and background.
 *   Added within 5: simulate/network and simulate/network-state (a hook
 *   without them drops the request as bad-shape; nothing else changes).
 * - 6: a second source library (automerge-repo): RepoInfo.library, the
 *   `model` event kind, channel-in's `discarded`, document heads; the
 *   tape's layout grew, so a panel of 5 cannot read a hook of 6.
 */
export const PROTOCOL_VERSION = 6

import type {
  OriginTab,
  OriginTabsBackgroundToPanelWire,
  OriginTabsPanelToBackgroundMessage,
  OriginTabsPanelToHookMessage,
} from "./origin-tabs"
import type { SimulateHookToPanelMessage, SimulatePanelToHookMessage } from "./simulate"
export type * from "./origin-tabs"
export type * from "./simulate"

/** The global the page hook defines before any page script runs. */
export const HOOK_GLOBAL = "__EPHEMERA_DEVTOOLS_HOOK__"

/**
 * `source` tags of the window messages hook and relay exchanged before
 * protocol 4. Neither posts window messages any more: the relay counts any
 * window message wearing one of these tags as a page posing as the hook or
 * the panel.
 */
export const PAGE_SOURCE = "ephemera:page"
export const RELAY_SOURCE = "ephemera:relay"

/**
 * The two DOM events that pair hook and relay at document_start, before any
 * page script exists (see extension/relay/pairing.ts and
 * injected/bridge/relay-channel.ts). HOOK_READY_EVENT: the hook is listening
 * for a port. RELAY_PORT_EVENT: a cancelable MessageEvent whose `ports[0]`
 * is the hook's end of the private channel; the hook takes it and cancels
 * the event, which tells the relay, synchronously, that the offer was taken.
 */
export const HOOK_READY_EVENT = "ephemera:hook-ready"
export const RELAY_PORT_EVENT = "ephemera:relay-port"

/** runtime.connect() port names. */
export const CONTENT_PORT = "ephemera:content"
export const PANEL_PORT = "ephemera:panel"

/** How long the hook holds events before flushing a batch (React DevTools uses 100 ms). */
export const BATCH_INTERVAL_MS = 50

/** While a panel listens, the hook sends a heartbeat when it has sent nothing else for this long. */
export const HEARTBEAT_INTERVAL_MS = 1_000
/** The panel says "no data from the page" after this much silence (three missed heartbeats). */
export const PAGE_SILENCE_MS = 3_000

// ---------------------------------------------------------------------------
// Values: JSON-safe summaries of arbitrary page values (see codec/serialize/)
// ---------------------------------------------------------------------------

/** Tag key marking a summarised value that plain JSON cannot carry. */
export const SUMMARY_TAG = "$ephemera"

export type SummaryKind =
  | "undefined"
  | "bigint"
  | "bytes"
  | "map"
  | "set"
  | "date"
  | "function"
  | "symbol"
  | "cycle"
  | "instance"
  | "error"
  | "truncated-string"
  | "truncated-array"
  | "truncated-object"
  | "depth"
  | "number"
  | "oversized"

/**
 * A value as it travels: plain JSON, or an object carrying SUMMARY_TAG.
 * Summaries are never ambiguous with app data: a page object that itself has
 * a SUMMARY_TAG key is summarised as `instance`.
 */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue }

// ---------------------------------------------------------------------------
// Model snapshot (a JSON view of synchronizer.model)
// ---------------------------------------------------------------------------

export type PeerType = "user" | "bot" | "service"
export type ChannelKind = "storage" | "network" | "other"
export type SyncStatus = "unknown" | "absent" | "pending" | "synced"

export interface IdentitySummary {
  peerId: string
  name?: string
  type: PeerType | string
}

export interface DocSyncStateSummary {
  docId: string
  /** loro-extended: SyncStatus; automerge-repo: what the peer has ("unknown", "has", "wants", "unavailable"). */
  status: SyncStatus | string
  /** VersionVector as {peer: counter} (loro-extended). */
  lastKnownVersion?: Record<string, number>
  /** The peer's heads as the last sync message told them (automerge-repo: change hashes). */
  lastKnownHeads?: string[]
  /** ms since epoch. */
  lastUpdated?: number
}

export interface PeerSummary {
  identity: IdentitySummary
  channels: number[]
  subscriptions: string[]
  docSyncStates: DocSyncStateSummary[]
}

export interface ChannelSummary {
  channelId: number
  type: "connected" | "established" | string
  kind: ChannelKind | string
  adapterType: string
  /** Present once established. */
  peerId?: string
}

export interface DocSummary {
  docId: string
  /** loro-extended's VersionVector as {peer: counter}; empty where a library has none. */
  version: Record<string, number>
  /** automerge-repo: the document's heads (change hashes). */
  heads?: string[]
  /** Ready states as the synchronizer reports them, summarised. */
  readyStates?: WireValue
}

export interface ModelSnapshot {
  identity: IdentitySummary
  peers: PeerSummary[]
  channels: ChannelSummary[]
  documents: DocSummary[]
}

/** The parts of the model a synchronizer message replaced (compared by identity). */
export interface ModelDelta {
  peers?: PeerSummary[]
  channels?: ChannelSummary[]
  documents?: DocSummary[]
}

/** One key of an EphemeralStore. */
export interface StoreEntry {
  key: string
  /** Absent for tombstones. */
  value?: WireValue
  deleted: boolean
  /** The writer's timestamp (ms since epoch) as the store holds it, when known. */
  timestamp?: number
  /** Size of the key's encoded bytes. */
  size?: number
}

export interface StoreSnapshot {
  docId: string
  namespace: string
  entries: StoreEntry[]
}

// ---------------------------------------------------------------------------
// Repos and taps
// ---------------------------------------------------------------------------

/** The source libraries the hook can tap. */
export type SourceLibrary = "loro-extended" | "automerge-repo"

export type LoroExtendedTapName = "update-fn" | "adapters-send" | "establishment-send" | "channel-receive" | "emitter" | "stores"
/**
 * automerge-repo's taps: messages in from each network adapter (with the
 * network subsystem's verdict), messages out through each adapter, the
 * adapters' peers (connections), the document handles' ephemeral messages,
 * registered Presence instances, and the synchronizer's sync states.
 */
export type AutomergeRepoTapName = "network-in" | "network-out" | "peers" | "handles" | "presence" | "sync-state"
export type TapName = LoroExtendedTapName | AutomergeRepoTapName

export interface TapStatus {
  tap: TapName
  enabled: boolean
  /** Why a tap is off: feature missing, or the error that disabled it. */
  reason?: string
}

export interface RepoInfo {
  /** Stable for the page's lifetime; unique per registration. */
  repoId: string
  label: string
  peerId: string
  name?: string
  identityType: string
  /** Which library the repo is from (a hook of protocol 3 or older tapped loro-extended only). */
  library: SourceLibrary
  /** As given at registration, or the detected shape ("5.x" / "6.x"; "2.x" for automerge-repo). */
  libraryVersion: string
  /** How the repo was found. */
  origin: "register" | "discovered" | "expression"
  taps: TapStatus[]
  registeredAt: number
}

// ---------------------------------------------------------------------------
// Events the hook observes
// ---------------------------------------------------------------------------

interface EventBase {
  /** Monotonic per page (across repos). */
  id: number
  repoId: string
  /** ms since epoch (Date.now()) when observed. */
  t: number
}

/** A command a synchronizer message produced (nested `cmd/batch` flattened with depth). */
export interface CommandSummary {
  type: string
  depth: number
  /** Summarised payload (functions and docs dropped). */
  detail?: WireValue
}

export type HookEvent =
  /** One trip through the synchronizer's update function: message in, commands out. */
  | (EventBase & {
      kind: "sync-message"
      msgType: string
      message: WireValue
      commands: CommandSummary[]
      delta: ModelDelta
    })
  /**
   * A channel message delivered to the repo by an adapter (automerge-repo: a
   * network message; its channel is the hook's id for the adapter and peer).
   */
  | (EventBase & {
      kind: "channel-in"
      channelId: number
      peerId?: string
      msgType: string
      size: number
      message: WireValue
      /** Why the repo dropped it on arrival (automerge-repo: an ephemeral message seen before, by session and count). */
      discarded?: string
    })
  /** An envelope the repo handed to its adapters. */
  | (EventBase & {
      kind: "channel-out"
      toChannelIds: number[]
      msgType: string
      size: number
      message: WireValue
      establishment: boolean
    })
  /** An event from synchronizer.emitter. */
  | (EventBase & { kind: "emitter"; name: string; data: WireValue })
  /** A change in one EphemeralStore; entries hold the keys that changed, read at event time. */
  | (EventBase & {
      kind: "store"
      docId: string
      namespace: string
      by: "local" | "import" | "timeout" | string
      entries: StoreEntry[]
    })
  /** A store the repo created after registration. */
  | (EventBase & { kind: "store-created"; docId: string; namespace: string })
  /**
   * The parts of the model that changed, for a library without an update
   * function to see them through (automerge-repo); `cause` says what the
   * hook saw happen ("peer", "peer-disconnected", "sync-state", …).
   */
  | (EventBase & { kind: "model"; cause: string; delta: ModelDelta })

/**
 * What the hook writes for a call that may have changed an EphemeralStore:
 * the call and the bytes it already had, never the store read back. The
 * panel's intake (codec/event-tape/store-intake.ts) applies it to its
 * replica of the store by the store's own rules and passes on a "store"
 * event with what changed; nothing past the intake sees a store-op.
 *   local   set/delete (then the key encoded), touch (then all encoded):
 *           `bytes` overwrite what is held
 *   import  apply(bytes): `bytes` as given, last-writer-wins, ties lose
 *   expire  the store's timer removed `removed` (bytes empty)
 * `timeout` is the store's, for the imports it drops as already expired.
 */
export type StoreOpEvent = EventBase & {
  kind: "store-op"
  docId: string
  namespace: string
  op: "local" | "import" | "expire" | string
  /** Hex of the store's encoding. */
  bytes: string
  removed: WireValue
  timeout: number
  /**
   * Entries of `bytes` beyond the size cap, decoded and summarised by the
   * hook (their values in `bytes` are null): shown as these, ruled by `bytes`.
   */
  oversized: StoreEntry[]
}

/** What an event tape carries: every HookEvent, and the store-ops the panel's intake turns into store events. */
export type TapeEvent = HookEvent | StoreOpEvent

export type HookEventKind = HookEvent["kind"]

/** One token of an event tape: the layout is the codec's (codec/event-tape/). */
export type TapeToken = string | number | boolean | null | WireValue

/**
 * Observed events as the hook streams them: one flat list of tokens per
 * batch, which the panel's transport expands into repo/events.
 */
export interface EventTapeMessage {
  type: "repo/event-tape"
  firstId: number
  t0: number
  /** How many events `ops` holds. */
  events: number
  ops: TapeToken[]
}

// ---------------------------------------------------------------------------
// Page hook -> panel (carried in batches through relay and background)
// ---------------------------------------------------------------------------

export type HookToPanelMessage =
  /**
   * Sent first after every subscribe: who is talking. `instance` is random per
   * page load: a new one means the page was reloaded, whatever the url says.
   */
  | { type: "hook/hello"; protocol: number; hookVersion: string; url: string; instance: string }
  /** A repo is registered (or re-announced on subscribe), with a full snapshot. */
  | {
      type: "repo/registered"
      repo: RepoInfo
      snapshot: ModelSnapshot
      stores: StoreSnapshot[]
    }
  /** A repo is gone (unregistered or its page is unloading). */
  | { type: "repo/unregistered"; repoId: string; reason: string }
  /** Observed events, in order (what the panel works with, and what `emit` may send). */
  | { type: "repo/events"; repoId: string; events: HookEvent[] }
  /** Observed events as the hook streams them; the panel expands them into repo/events (see codec/event-tape/). */
  | EventTapeMessage
  /** A tap turned itself off. */
  | { type: "repo/tap-disabled"; repoId: string; tap: TapName; reason: string }
  /** Events the hook could not keep (its own buffer overflowed), and when it knows them, which. */
  | { type: "hook/dropped"; count: number; reason: string; lost?: LostItem[] }
  /** Sent while a panel listens and nothing else was sent for HEARTBEAT_INTERVAL_MS: the page is alive. */
  | { type: "hook/heartbeat" }
  /** Answer to panel/ping. */
  | { type: "hook/pong"; nonce: string }
  /** Answer to an attach request. */
  | {
      type: "attach/result"
      requestId: string
      ok: boolean
      repoId?: string
      error?: string
    }
  /** Simulated peers of a repo, and answers to simulate/* requests (protocol/simulate.ts). */
  | SimulateHookToPanelMessage
  /** A snapshot for a panel that compares tabs (protocol/origin-tabs.ts). */
  | OriginTabsHookToPanelMessage

// A room across tabs (protocol/origin-tabs.ts): the messages that carry repos or batches.

/** One repo as a snapshot carries it: what `repo/registered` carries. */
export interface RepoSnapshot {
  repo: RepoInfo
  snapshot: ModelSnapshot
  stores: StoreSnapshot[]
}

/** Page hook -> panel. */
export type OriginTabsHookToPanelMessage =
  /**
   * Answer to panel/snapshot: the page (as hook/hello says it) and every
   * repo registered now. A repo missing from the list is no longer registered.
   */
  {
    type: "hook/snapshot"
    requestId: string
    protocol: number
    hookVersion: string
    url: string
    instance: string
    repos: RepoSnapshot[]
  }

/** One event the hook could not deliver: whose, what, how big. */
export interface LostItem {
  repoId: string
  kind: string
  /** Store events: the keys they carried. */
  keys?: string[]
  /** JSON characters the event took. */
  size: number
}

/**
 * Many messages from the hook. They travel as JSON text (see
 * HookToRelayMessage); `seq` travels beside the text, never in it.
 */
export interface HookBatch {
  /** Increments per batch; a gap means batches were lost. */
  seq: number
  messages: HookToPanelMessage[]
}

// ---------------------------------------------------------------------------
// Panel -> page hook
// ---------------------------------------------------------------------------

export type PanelToHookMessage =
  /** A panel listens: the hook says hello, announces repos, starts streaming. */
  | { type: "panel/subscribe" }
  /** No panel listens any more: the hook goes idle. */
  | { type: "panel/unsubscribe" }
  /** Liveness check, answered with hook/pong. */
  | { type: "panel/ping"; nonce: string }
  /** Attach a Repo found at a dotted path from window (e.g. "repo" or "app.repo"). */
  | { type: "attach/path"; requestId: string; path: string }
  /** Look for Repo-like objects on window globals and register them. */
  | { type: "discovery/scan" }
  /** Add, edit, pause and remove simulated peers (protocol/simulate.ts). */
  | SimulatePanelToHookMessage
  /** A snapshot without subscribing, for a panel that compares tabs (protocol/origin-tabs.ts). */
  | OriginTabsPanelToHookMessage

// ---------------------------------------------------------------------------
// The private channel (page hook <-> content relay)
// ---------------------------------------------------------------------------

/**
 * Hook -> relay, over the MessageChannel paired at document_start. The
 * relay -> hook direction carries PanelToHookMessage as it is.
 *
 * A batch is ONE string of JSON (`{"messages":[...]}`), untouched until the
 * panel parses it: a string crosses the page/content-script boundary in one
 * copy (Firefox would otherwise read every property of a page object through
 * an Xray wrapper), and the relay forwards it without parsing: the relay runs
 * on the page's thread, the panel does not, and the panel checks everything
 * it parses anyway. `seq` is a number beside the text, so nothing written
 * into the text can change it.
 */
export interface HookToRelayMessage {
  type: "page/batch"
  /** Counts batches from 0 per page load. */
  seq: number
  /** Events plus other messages in the batch: what the relay counts as lost if it must discard it. */
  count: number
  /** JSON of `{ messages: HookToPanelMessage[] }`. */
  batchJson: string
}

/**
 * What a hook posts, instead of pairing, on the port of a relay whose offer
 * (RELAY_PORT_EVENT) names another protocol version: which version it
 * speaks. The pairing events, the offer's `data` (the relay's
 * PROTOCOL_VERSION, a number) and this message's shape never change from
 * one protocol version to the next: so a relay of any version can read it,
 * and tell its panel which version the page's hook speaks
 * (RelayStats.pageProtocol), where nothing else would get through.
 */
export interface HookVersionAnnouncement {
  /** Marks the message as an announcement: it carries no batch. */
  announce: "version"
  protocol: number
  /** The hook's own version (HOOK_VERSION). */
  hookVersion: string
}

// ---------------------------------------------------------------------------
// Extension ports
// ---------------------------------------------------------------------------

/** Why the relay refused a window message. */
export type DropReason =
  | "foreign-source"
  | "bad-shape"
  | "bad-version"
  | "too-large"
  | "not-plain-data"
  /** A window message wearing the relay's tag: a page posing as the panel. */
  | "spoofed-relay"
  /** A window message wearing the hook's tag: the hook never posts to the window. */
  | "spoofed-page"
  /** A pairing event after hook and relay paired (or one the relay did not send). */
  | "spoofed-pairing"
  | "buffer-overflow"
  /** (Panel) a batch numbered at or before the last one, without a new hook's hello: a repeat, or not the hook's. */
  | "out-of-order"

/** The protocol the page's hook speaks, as the relay heard it. */
export interface PageProtocol {
  protocol: number
  /** When the hook announced itself (HookVersionAnnouncement). */
  hookVersion?: string
}

export interface RelayStats {
  /** Total refused window messages since the page loaded. */
  dropped: number
  byReason: Partial<Record<DropReason, number>>
  /** Page batches discarded because the background was unreachable too long. */
  lost: number
  /**
   * Set once the page's hook was heard speaking another protocol than this
   * relay (and its panel): nothing it sends gets through, and the panel says why.
   */
  pageProtocol?: PageProtocol
}

/** Content script -> background. */
export type ContentToBackgroundMessage =
  /** First message on a (re)connected port. */
  | { type: "content/hello"; protocol: number; url: string }
  /**
   * A batch from the page hook, as the hook's JSON text. `skipped`: batches
   * the relay had to discard right before this one (its buffer overflowed),
   * so the panel can tell a real gap in `seq` from a jump nothing explains.
   */
  | { type: "content/page-batch"; seq: number; batchJson: string; skipped?: number }
  /** Counters of refused window messages. */
  | { type: "content/stats"; stats: RelayStats }

/** Background -> content script. */
export type BackgroundToContentMessage =
  /** Whether any panel listens to this tab. */
  | { type: "background/panel-listening"; listening: boolean }
  /** A panel's message for the page hook. */
  | { type: "background/to-page"; message: PanelToHookMessage }
  /**
   * A panel has every page batch up to `seq`. The relay keeps what none
   * acknowledged and sends it again (a repeat the panel skips by its seq)
   * when the background's port goes (a stopping background can swallow what
   * it was given, and what it routed last may never reach the panel) or the
   * background says no panel listens (a relay can reconnect first).
   */
  | { type: "background/received"; seq: number }

/** Panel -> background. */
export type PanelToBackgroundMessage =
  /** First message on a (re)connected port: which tab this panel inspects. */
  | { type: "panel/hello"; protocol: number; tabId: number }
  /** Forward to the page hook of the inspected tab. */
  | { type: "panel/to-page"; message: PanelToHookMessage }
  /** The other tabs of the inspected tab's origin (protocol/origin-tabs.ts). */
  | OriginTabsPanelToBackgroundMessage
  /** Every page batch up to `seq` arrived (see background/received). */
  | { type: "panel/received"; seq: number }

/** Background -> panel, as it crosses the port: page batches are still JSON text. */
export type BackgroundToPanelWire =
  /** A batch from the page hook, as the hook's JSON text; `seq` and `skipped` as in content/page-batch. */
  | { type: "background/page-batch"; seq: number; batchJson: string; skipped?: number }
  /** Relay counters for this tab. */
  | { type: "background/relay-stats"; stats: RelayStats }
  /** Whether the tab's content script is connected (false during navigation or when none runs). */
  | { type: "background/page-status"; connected: boolean; url?: string }
  /** The other tabs of the inspected tab's origin, and their batches (protocol/origin-tabs.ts). */
  | OriginTabsBackgroundToPanelWire

/** Background -> panel, as the panel's reducer sees it (page batches parsed by the transport). */
export type BackgroundToPanelMessage =
  /** A batch from the page hook; `skipped` as in content/page-batch. */
  | { type: "background/page-batch"; batch: HookBatch; skipped?: number }
  | Exclude<BackgroundToPanelWire, { type: "background/page-batch" | "background/tab-batch" }>
  /**
   * Made by the panel's own transport, not sent by the background: page text
   * it could not read (not a batch, or a malformed event tape), `count` items
   * of it. The relay forwards batch text unparsed, so this is where a page's
   * garbage is counted.
   */
  | { type: "panel/unreadable"; reason: DropReason; count: number }
  /** The other tabs of the inspected tab's origin, and their batches (protocol/origin-tabs.ts). */
  | OriginTabsBackgroundToPanelMessage

/** Background -> panel, as the panel's code sees it (batches parsed by the transport). */
export type OriginTabsBackgroundToPanelMessage =
  | { type: "background/origin-tabs"; tabs: OriginTab[] }
  /** A batch from another tab, or what its text could not be read as (counted in that tab's state). */
  | {
      type: "background/tab-batch"
      tabId: number
      message: { type: "background/page-batch"; batch: HookBatch } | { type: "panel/unreadable"; reason: DropReason; count: number }
    }

/** For a switch over messages that were checked: a type the switch forgot does not compile, and fails loudly at run time. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`)
}

/**
 * For a switch over data from a less trusted side that was not checked
 * type by type (events inside a batch, say): a type the switch forgot does
 * not compile, and an unknown one is skipped at run time.
 */
export function skipUnknown(value: never): void {
  void value
}
