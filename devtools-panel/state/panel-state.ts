/**
 * The panel's whole model of the inspected page, as plain immutable data.
 * Only `apply()` produces new versions; views read it and never write.
 * Unchanged subtrees keep their identity between versions, so Svelte
 * re-renders only what an update touched.
 */
import type {
  ChannelConditionsInfo,
  DropReason,
  LostItem,
  ModelSnapshot,
  RelayStats,
  RepoInfo,
  SimulatedPeerInfo,
  SimulationErrorCode,
  WireValue,
} from "../../protocol/messages"
import { emptyLog, type EventLog } from "./event-log"
import type { HubRelayState } from "./hub-relay"

/** The channel that delivered an imported entry. */
export interface Via {
  readonly channelId: number
  /** The peer on that channel: the writer itself, or the peer relaying for it. */
  readonly peerId?: string
}

/** One key of one namespace store, with what the panel learned about its history. */
export interface EntryState {
  readonly key: string
  /** Absent for tombstones. */
  readonly value?: WireValue
  readonly deleted: boolean
  /** The writer's timestamp; heartbeats re-stamp it without changing the value. */
  readonly timestamp?: number
  readonly size?: number
  /** When the value or its deleted flag last changed (event time). Re-stamps leave it alone. */
  readonly changedAt: number
  /** Real changes observed; 0 for keys first seen in a snapshot. */
  readonly changes: number
  /** Who wrote the current value: this repo's peer for local writes, else the key's owner. */
  readonly changedBy: string
  /** For imported values: the channel that brought them. */
  readonly via?: Via
  /**
   * For imported values that came in another peer's copy of the store (not
   * from their writer): that peer. In 5.x it re-stamped them on its heartbeat.
   */
  readonly copiedFrom?: string
}

export type NamespaceMap = ReadonlyMap<string, EntryState>

/** What the panel remembers about one peer in one room beyond the current data. */
export interface MemberActivity {
  readonly peerId: string
  readonly present: boolean
  readonly firstSeen: number
  /** When the member went from present to gone. */
  readonly goneAt?: number
  /** Times of its recent real changes (within RATE_WINDOW_MS of the latest). */
  readonly recent: readonly number[]
  /** The channel that last delivered one of its keys. */
  readonly via?: Via
}

/** A document with ephemeral stores or subscribed peers. */
export interface RoomState {
  readonly docId: string
  readonly namespaces: ReadonlyMap<string, NamespaceMap>
  readonly members: ReadonlyMap<string, MemberActivity>
  readonly lastActivity?: number
}

export interface RepoState {
  readonly info: RepoInfo
  readonly gone: boolean
  readonly goneReason?: string
  readonly goneAt?: number
  /** The page generation that registered it; older generations are gone after a reload. */
  readonly epoch: number
  readonly model: ModelSnapshot
  readonly rooms: ReadonlyMap<string, RoomState>
  /** Tap name -> why it is off. */
  readonly disabledTaps: ReadonlyMap<string, string>
  readonly eventCount: number
  /** The latest inbound frame carrying ephemeral data: imports that follow are attributed to it. */
  readonly lastInbound?: {
    readonly via: Via
    readonly docIds: readonly string[]
    /** storeSenderKey(docId, namespace) -> who sent that payload (see attribution.ts). */
    readonly senders?: ReadonlyMap<string, string | undefined>
  }
  /** Its simulated peers, from the latest simulate/state (absent until one arrives). */
  readonly simulation?: RepoSimulationState
  /** A hub's fan-out and first-hand news of each key (hub-relay.ts); kept while it has several network channels. */
  readonly hubRelay?: HubRelayState
  /** Its channels under simulated network conditions, from the latest simulate/network-state. */
  readonly network?: readonly ChannelConditionsInfo[]
}

/** A repo's simulated peers, as the latest simulate/state lists them (see simulation.ts). */
export interface RepoSimulationState {
  readonly peers: readonly SimulatedPeerInfo[]
  /** The peers' ids: every store key and model peer with one of these ids is simulated. */
  readonly ids: ReadonlySet<string>
  /** Ids simulated before and no longer listed (newest last): the members table folds them away once gone. */
  readonly former: ReadonlySet<string>
  readonly keepOnClose: boolean
  /** Counts simulate/state messages for this repo: a request is answered once it moves. */
  readonly version: number
  /** The page removed its peers because it started to leave (reload, navigation). */
  readonly pageLeft: boolean
}

export interface SimulationFailure {
  readonly message: string
  readonly code?: SimulationErrorCode
}

export interface AttachResult {
  readonly ok: boolean
  readonly repoId?: string
  readonly error?: string
}

export interface PanelState {
  /** The content script of the inspected tab, as the background reports it; `since`: when it last connected. */
  readonly page: { readonly connected: boolean; readonly url?: string; readonly since?: number }
  /** When the last page batch arrived (heartbeats included): silence beyond PAGE_SILENCE_MS is shown. */
  readonly lastDataAt?: number
  readonly hook?: { readonly version: string; readonly protocol: number; readonly url: string; readonly instance: string }
  /** Page generation; bumped on every reload. */
  readonly epoch: number
  /** In registration order. */
  readonly repos: ReadonlyMap<string, RepoState>
  readonly lastSeq?: number
  /** Batches missing from the seq sequence. */
  readonly lostBatches: number
  /** Jumps in seq that no real loss explains, read as a new numbering (see sequence.ts). */
  readonly seqResets: number
  /** Events the hook reported it could not keep. */
  readonly hookDropped: number
  readonly hookDropReasons: Readonly<Record<string, number>>
  /** What the hook said it lost, latest last (at most MAX_LOST_SHOWN). */
  readonly hookLost: readonly LostItem[]
  readonly relay: RelayStats
  /** Page text the panel could not read, by reason (the relay forwards it unparsed). */
  readonly unreadable: Readonly<Partial<Record<DropReason, number>>>
  readonly attachResults: ReadonlyMap<string, AttachResult>
  /** simulate/* requests the hook refused, by request id. */
  readonly simulationErrors: ReadonlyMap<string, SimulationFailure>
  readonly lastPong?: string
  readonly log: EventLog
  /**
   * Set for another tab compared with the inspected one (a room across tabs):
   * its hook is not subscribed, so hook/snapshot answers are its picture. The
   * inspected tab follows its stream and leaves answers meant for other panels alone.
   */
  readonly followsSnapshots?: boolean
}

export const DEFAULT_LOG_CAPACITY = 100_000

export function initialState(logCapacity = DEFAULT_LOG_CAPACITY): PanelState {
  return {
    page: { connected: false },
    epoch: 0,
    repos: new Map(),
    lostBatches: 0,
    seqResets: 0,
    hookDropped: 0,
    hookDropReasons: {},
    hookLost: [],
    relay: { dropped: 0, byReason: {}, lost: 0 },
    unreadable: {},
    attachResults: new Map(),
    simulationErrors: new Map(),
    log: emptyLog(logCapacity),
  }
}

/**
 * The state of another tab compared with the inspected one: it follows
 * hook/snapshot answers, and keeps a log of one event (the comparison reads
 * stores only; the tab's own panel, if open, has the log).
 */
export function comparedTabState(): PanelState {
  return { ...initialState(1), followsSnapshots: true }
}

/** Everything refused on the way: window messages the relay refused plus page text the panel could not read. */
export function droppedTotal(state: PanelState): number {
  return state.relay.dropped + Object.values(state.unreadable).reduce<number>((sum, count) => sum + (count ?? 0), 0)
}

/** droppedTotal by reason. */
export function dropReasons(state: PanelState): Array<[DropReason, number]> {
  const merged = new Map<DropReason, number>()
  for (const source of [state.relay.byReason, state.unreadable]) {
    for (const [reason, count] of Object.entries(source) as Array<[DropReason, number | undefined]>) {
      if (count) merged.set(reason, (merged.get(reason) ?? 0) + count)
    }
  }
  return [...merged]
}

/** Everything the panel counts as lost: missing batches plus events the hook dropped. */
export function lostTotal(state: PanelState): number {
  return state.lostBatches + state.hookDropped
}

/** The page's hook and this panel speak different protocols: nothing of the page's gets through. */
export interface ProtocolMismatch {
  /** The protocol the page's hook speaks. */
  page: number
  /** The hook's version, when it said. */
  hookVersion?: string
  /** This panel's (PROTOCOL_VERSION). */
  panel: number
}

/**
 * Which protocol the page's hook speaks, when it is not ours: from the
 * relay, which hears the hook's other-version envelopes and announcement
 * (the only way the news gets through), or from a hello that somehow did.
 */
export function protocolMismatch(state: PanelState, panel: number): ProtocolMismatch | undefined {
  const spoken = state.relay.pageProtocol
  if (spoken && spoken.protocol !== panel)
    return { page: spoken.protocol, ...(spoken.hookVersion === undefined ? {} : { hookVersion: spoken.hookVersion }), panel }
  if (state.hook && state.hook.protocol !== panel) return { page: state.hook.protocol, hookVersion: state.hook.version, panel }
  return undefined
}
