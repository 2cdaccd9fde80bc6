/**
 * What a hub does with presence, seen at its source: for each channel, the
 * messages and store entries it sends (per heartbeat and per second), and
 * for each relayed key, when the hub last heard it from its owner. A hub
 * re-stamps every copy it holds on each heartbeat and re-broadcasts the
 * store: this is where that amplification, and stale copies kept alive by
 * it, show.
 *
 * Kept only for repos with several network channels (a hub): a browser
 * tab's one channel would pay for it and show nothing new.
 */
import type { HookEvent, ModelSnapshot, WireValue } from "../../protocol/messages"
import { ephemeralEntryCount, decodeEphemeralKeys } from "../../codec/loro-ephemeral/ephemeral-codec"
import { hexToBytes } from "../../codec/hex"
import { ephemeralPayloads } from "../wire/channel-message"
import { payloadBytes } from "../wire/ephemeral-decode"
import { field, readSummary } from "../values/summary"

/** Per-second figures are averaged over this many whole seconds. */
export const FAN_OUT_WINDOW_SECONDS = 10
/** Outbound frames this long after a heartbeat, with no input between, are its doing. */
const HEARTBEAT_SPAN_MS = 1_000

export interface SentCounts {
  readonly messages: number
  readonly entries: number
}

export interface ChannelFanOut {
  readonly channelId: number
  /** What the latest heartbeat made the hub send on this channel. */
  readonly perHeartbeat: SentCounts
  /** The newest second (Math.floor(t / 1000)) counted, and one bucket per second before it. */
  readonly second: number
  readonly messages: readonly number[]
  readonly entries: readonly number[]
  readonly total: SentCounts
}

export interface HubRelayState {
  readonly channels: ReadonlyMap<number, ChannelFanOut>
  /** The latest heartbeat, while its outbound frames are still being counted. */
  readonly heartbeat?: { readonly at: number; readonly open: boolean }
  readonly heartbeats: number
  /** heardKey(docId, namespace, key) -> when a frame from the key's owner, on its own channel, last carried it. */
  readonly heardFromOwner: ReadonlyMap<string, number>
}

export const emptyHubRelay: HubRelayState = { channels: new Map(), heartbeats: 0, heardFromOwner: new Map() }

export function heardKey(docId: string, namespace: string, key: string): string {
  return `${docId}\u001f${namespace}\u001f${key}`
}

/** A hub: more than one network channel. */
export function isHub(model: ModelSnapshot): boolean {
  let network = 0
  for (const channel of model.channels) if (channel.kind === "network" && ++network > 1) return true
  return false
}

const ZERO: SentCounts = { messages: 0, entries: 0 }

type MutableChannel = { -readonly [K in keyof ChannelFanOut]: ChannelFanOut[K] extends readonly number[] ? number[] : ChannelFanOut[K] }

/**
 * One batch of a hub's events. Copy-on-write per batch: the maps and each
 * channel touched are copied once, then written in place for the batch.
 */
export function applyHubEvents(state: HubRelayState, events: readonly HookEvent[]): HubRelayState {
  let channels: Map<number, ChannelFanOut> | undefined
  const owned = new Set<number>()
  let heard: Map<string, number> | undefined
  let heartbeat = state.heartbeat
  let heartbeats = state.heartbeats

  const channel = (channelId: number, second: number): MutableChannel => {
    channels ??= new Map(state.channels)
    const before = channels.get(channelId)
    if (before && owned.has(channelId)) return before as MutableChannel
    const copy: MutableChannel = before
      ? { ...before, messages: before.messages.slice(), entries: before.entries.slice() }
      : { channelId, perHeartbeat: ZERO, second, messages: zeros(), entries: zeros(), total: ZERO }
    channels.set(channelId, copy)
    owned.add(channelId)
    return copy
  }

  for (const event of events) {
    // Page data: the reducer skips what is malformed, and so does this.
    if (typeof event !== "object" || event === null || typeof event.t !== "number") continue
    if (event.kind === "sync-message" && event.msgType === "synchronizer/heartbeat") {
      heartbeat = { at: event.t, open: true }
      heartbeats++
      channels ??= new Map(state.channels)
      for (const id of channels.keys()) channel(id, Math.floor(event.t / 1000)).perHeartbeat = ZERO
    } else if (event.kind === "channel-in") {
      // Input from a peer ends what the heartbeat caused: what is sent next answers that input.
      if (heartbeat?.open) heartbeat = { ...heartbeat, open: false }
      const owner = event.peerId
      if (typeof owner !== "string") continue
      for (const where of ownerKeysIn(event.message, owner)) {
        heard ??= new Map(state.heardFromOwner)
        heard.set(where, event.t)
      }
    } else if (event.kind === "channel-out") {
      const targets = Array.isArray(event.toChannelIds) ? event.toChannelIds.filter(id => Number.isSafeInteger(id)) : []
      if (targets.length === 0) continue
      const entries = entriesIn(event.message)
      const ofHeartbeat = heartbeat?.open === true && event.t - heartbeat.at <= HEARTBEAT_SPAN_MS
      const second = Math.floor(event.t / 1000)
      for (const channelId of targets) {
        const target = channel(channelId, second)
        const at = advance(target.messages, target.entries, target.second, second)
        target.second = Math.max(second, target.second)
        target.messages[at]! += 1
        target.entries[at]! += entries
        target.total = { messages: target.total.messages + 1, entries: target.total.entries + entries }
        if (ofHeartbeat)
          target.perHeartbeat = { messages: target.perHeartbeat.messages + 1, entries: target.perHeartbeat.entries + entries }
      }
    }
  }
  if (!channels && !heard && heartbeat === state.heartbeat) return state
  return {
    channels: channels ?? state.channels,
    heardFromOwner: heard ?? state.heardFromOwner,
    heartbeats,
    ...(heartbeat ? { heartbeat } : {}),
  }
}

const zeros = () => new Array<number>(FAN_OUT_WINDOW_SECONDS + 1).fill(0)

/** Moves the ring to `second` (zeroing skipped buckets); returns the bucket to count into. */
function advance(messages: number[], entries: number[], from: number, second: number): number {
  const size = messages.length
  for (let step = Math.min(size, second - from); step > 0; step--) {
    const slot = (from + step) % size
    messages[slot] = entries[slot] = 0
  }
  // A late event older than the ring counts in the oldest bucket still kept.
  return (second < from ? Math.max(second, from - size + 1) : second) % size
}

/** Messages and entries per second over the last whole seconds before `now`. */
export function ratesAt(channel: ChannelFanOut, now: number): { messages: number; entries: number } {
  const current = Math.floor(now / 1000)
  const size = channel.messages.length
  let messages = 0
  let entries = 0
  for (let back = 1; back <= FAN_OUT_WINDOW_SECONDS; back++) {
    const second = current - back
    if (second > channel.second || channel.second - second >= size) continue
    messages += channel.messages[second % size]!
    entries += channel.entries[second % size]!
  }
  return { messages: messages / FAN_OUT_WINDOW_SECONDS, entries: entries / FAN_OUT_WINDOW_SECONDS }
}

/** Store entries a channel message carries, from each payload's count alone. */
function entriesIn(message: WireValue | undefined): number {
  let entries = 0
  for (const payload of ephemeralPayloads(message)) {
    const summary = readSummary(payload.data)
    const hex = summary?.kind === "bytes" ? field(summary, "hex") : undefined
    const prefix = typeof hex === "string" ? hexToBytes(hex.slice(0, 10)) : undefined
    try {
      if (prefix) entries += ephemeralEntryCount(prefix)
    } catch {
      // A frame the hook cut short counts as no entries.
    }
  }
  return entries
}

/** Where (heardKey) a frame from `owner`, on its own channel, carries the owner's own key: the hub heard it first-hand. */
function ownerKeysIn(message: WireValue | undefined, owner: string): string[] {
  const found: string[] = []
  for (const payload of ephemeralPayloads(message)) {
    if (payload.docId === undefined) continue
    const read = payloadBytes(payload.data)
    if (!read.ok) continue
    try {
      if (decodeEphemeralKeys(read.bytes).includes(owner)) found.push(heardKey(payload.docId, payload.namespace, owner))
    } catch {
      // Bytes the hook cut short tell nothing.
    }
  }
  return found
}
