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
 *   entries as the store's own bytes, decoded by the panel. Added within 3
 *   (an older peer of 3 never meets it: it only answers another version):
 *   the version announcement (HookVersionEnvelope), fixed for all versions.
 */
export const PROTOCOL_VERSION = 3

import type { SimulateHookToPanelMessage, SimulatePanelToHookMessage } from "./simulate"
export type * from "./simulate"

/** The global the page hook defines before any page script runs. */
export const HOOK_GLOBAL = "__EPHEMERA_DEVTOOLS_HOOK__"

/** `source` tag on window messages posted by the page hook. */
export const PAGE_SOURCE = "ephemera:page"
/** `source` tag on window messages posted by the content-script relay. */
export const RELAY_SOURCE = "ephemera:relay"

/** runtime.connect() port names. */
export const CONTENT_PORT = "ephemera:content"
export const PANEL_PORT = "ephemera:panel"

/** How long the hook holds events before flushing a batch (React DevTools uses 100 ms). */
export const BATCH_INTERVAL_MS = 50

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
  status: SyncStatus | string
  /** VersionVector as {peer: counter}. */
  lastKnownVersion?: Record<string, number>
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
  version: Record<string, number>
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

export type TapName = "update-fn" | "adapters-send" | "establishment-send" | "channel-receive" | "emitter" | "stores"

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
  /** As given at registration, or the detected shape ("5.x" / "6.x"). */
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
  /** A channel message delivered to the repo by an adapter. */
  | (EventBase & {
      kind: "channel-in"
      channelId: number
      peerId?: string
      msgType: string
      size: number
      message: WireValue
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
  /** Events the hook could not keep (its own buffer overflowed). */
  | { type: "hook/dropped"; count: number; reason: string }
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

/** Many messages from the hook; travels as JSON text (see PageWindowEnvelope). */
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

/**
 * Relay -> page hook, sent once at document_start before any page script can
 * run: the hook pins this envelope's nonce and ignores relay envelopes that
 * carry another (a page pretending to be the panel).
 */
export interface RelayHello {
  type: "relay/hello"
}

// ---------------------------------------------------------------------------
// Window envelopes (page <-> content script)
// ---------------------------------------------------------------------------

/**
 * A batch travels from the page as ONE string of JSON, untouched until the
 * panel parses it. A string crosses the page/content-script boundary in one
 * copy (Firefox would otherwise read every property of a page object through
 * an Xray wrapper), and the relay checks the envelope and forwards the text
 * without parsing it: the relay runs on the page's thread, the panel does not,
 * and the panel checks everything it parses anyway.
 */
export interface PageWindowEnvelope {
  source: typeof PAGE_SOURCE
  protocol: number
  /** JSON of a HookBatch. */
  batchJson: string
  /** Events plus other messages in the batch: what the relay counts as lost if it must discard it. */
  count: number
}

/**
 * What the hook posts, instead of any batch, when a relay of another
 * protocol version speaks to it. PAGE_SOURCE, RELAY_SOURCE, the `source`
 * and `protocol` of every envelope, and this envelope's shape never change
 * from one protocol version to the next: so a relay of any version can read
 * it, and tell its panel which version the page's hook speaks
 * (RelayStats.pageProtocol), where nothing else would get through.
 */
export interface HookVersionEnvelope {
  source: typeof PAGE_SOURCE
  protocol: number
  /** The hook's own version (HOOK_VERSION). */
  hookVersion: string
  /** Marks the envelope as an announcement: it carries no batch. */
  announce: "version"
}

/** Everything the hook posts on the window. */
export type PageEnvelope = PageWindowEnvelope | HookVersionEnvelope

export interface RelayWindowEnvelope {
  source: typeof RELAY_SOURCE
  protocol: number
  /** Random per relay instance: lets the relay ignore its own echo and count forgeries. */
  nonce: string
  message: PanelToHookMessage | RelayHello
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
  | "spoofed-relay"
  | "buffer-overflow"
  /** (Panel) a batch numbered at or before the last one, without a new hook's hello: a repeat, or not the hook's. */
  | "out-of-order"

/** The protocol the page's hook speaks, as the relay heard it. */
export interface PageProtocol {
  protocol: number
  /** When the hook announced itself (HookVersionEnvelope). */
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
  /** A validated batch from the page hook, as the hook's JSON text. */
  | { type: "content/page-batch"; batchJson: string }
  /** Counters of refused window messages. */
  | { type: "content/stats"; stats: RelayStats }

/** Background -> content script. */
export type BackgroundToContentMessage =
  /** Whether any panel listens to this tab. */
  | { type: "background/panel-listening"; listening: boolean }
  /** A panel's message for the page hook. */
  | { type: "background/to-page"; message: PanelToHookMessage }

/** Panel -> background. */
export type PanelToBackgroundMessage =
  /** First message on a (re)connected port: which tab this panel inspects. */
  | { type: "panel/hello"; protocol: number; tabId: number }
  /** Forward to the page hook of the inspected tab. */
  | { type: "panel/to-page"; message: PanelToHookMessage }

/** Background -> panel, as it crosses the port: page batches are still JSON text. */
export type BackgroundToPanelWire =
  /** A batch from the page hook, as the hook's JSON text. */
  | { type: "background/page-batch"; batchJson: string }
  /** Relay counters for this tab. */
  | { type: "background/relay-stats"; stats: RelayStats }
  /** Whether the tab's content script is connected (false during navigation or when none runs). */
  | { type: "background/page-status"; connected: boolean; url?: string }

/** Background -> panel, as the panel's reducer sees it (page batches parsed by the transport). */
export type BackgroundToPanelMessage =
  /** A batch from the page hook. */
  | { type: "background/page-batch"; batch: HookBatch }
  | Exclude<BackgroundToPanelWire, { type: "background/page-batch" }>
  /**
   * Made by the panel's own transport, not sent by the background: page text
   * it could not read (not a batch, or a malformed event tape), `count` items
   * of it. The relay forwards batch text unparsed, so this is where a page's
   * garbage is counted.
   */
  | { type: "panel/unreadable"; reason: DropReason; count: number }

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
