/**
 * Live traffic per channel and per peer: frames ("events"), bytes, channel
 * messages (a batch counts as what it holds) and ephemeral entries, in and
 * out, in one-second buckets over the last minute (a ring indexed by
 * second). Frames alone hide what costs: a 5.x heartbeat is one frame per
 * channel holding dozens of messages. Per sender, too: the peer that put a
 * payload on the wire, whoever relayed it (a member's own traffic, its
 * heartbeats included). Fed with every channel message, recorded or not:
 * pausing the log does not stop the rates.
 *
 * Updates are copy-on-write per batch: a series is copied the first time a
 * batch touches it, then written in place for the rest of that batch.
 */
import type { HookEvent, ModelSnapshot } from "../../protocol/messages"
import { peerOnChannel } from "./facets"
import { entriesBySender, messagesIn } from "./frame-counts"

export const RATE_HISTORY_SECONDS = 60
/** Rates are averaged over this many seconds, the current one included. */
export const RATE_WINDOW_SECONDS = 5

/** channel: one of the repo's channels; peer: the peer on a channel; sender: the peer that sent a payload (through any relay). */
export type TrafficScope = "channel" | "peer" | "sender"

export interface TrafficSeries {
  readonly scope: TrafficScope
  readonly repoId: string
  /** The channel id (as text) or the peer id. */
  readonly id: string
  /** The newest second (Math.floor(t / 1000)) with a bucket. */
  readonly second: number
  readonly eventsIn: readonly number[]
  readonly eventsOut: readonly number[]
  readonly bytesIn: readonly number[]
  readonly bytesOut: readonly number[]
  readonly messagesIn: readonly number[]
  readonly messagesOut: readonly number[]
  readonly entriesIn: readonly number[]
  readonly entriesOut: readonly number[]
}

const COUNTERS = ["eventsIn", "eventsOut", "bytesIn", "bytesOut", "messagesIn", "messagesOut", "entriesIn", "entriesOut"] as const
type Counter = (typeof COUNTERS)[number]

/** What one frame adds to a series. */
interface Amounts {
  events: number
  bytes: number
  messages: number
  entries: number
}

/** Keyed by trafficKey(scope, repoId, id). */
export type TrafficStats = ReadonlyMap<string, TrafficSeries>

export function trafficKey(scope: TrafficScope, repoId: string, id: string): string {
  return `${scope}\u001f${repoId}\u001f${id}`
}

type Writable = { -readonly [K in keyof TrafficSeries]: TrafficSeries[K] extends readonly number[] ? number[] : TrafficSeries[K] }

const zeros = () => new Array<number>(RATE_HISTORY_SECONDS).fill(0)

/** Moves a series forward to `second`, zeroing the buckets it skips. */
function advance(series: Writable, second: number): void {
  if (second <= series.second) return
  const steps = Math.min(RATE_HISTORY_SECONDS, second - series.second)
  for (let step = 1; step <= steps; step++) {
    const slot = (series.second + step) % RATE_HISTORY_SECONDS
    for (const counter of COUNTERS) series[counter][slot] = 0
  }
  series.second = second
}

export class TrafficWriter {
  readonly #base: TrafficStats
  readonly #owned = new Set<string>()
  #stats: Map<string, TrafficSeries> | undefined

  constructor(base: TrafficStats) {
    this.#base = base
  }

  /** Counts one channel message; other events are ignored. */
  add(event: HookEvent, model: ModelSnapshot): void {
    if (event.kind !== "channel-in" && event.kind !== "channel-out") return
    const t = typeof event.t === "number" ? event.t : 0
    const payloads = entriesBySender(event.message)
    const amounts: Amounts = {
      events: 1,
      bytes: typeof event.size === "number" && event.size > 0 ? event.size : 0,
      messages: messagesIn(event.message),
      entries: payloads.reduce((sum, payload) => sum + payload.entries, 0),
    }
    if (event.kind === "channel-in") {
      this.#count("channel", event.repoId, String(event.channelId), t, amounts, true)
      const peer = event.peerId ?? peerOnChannel(model, event.channelId)
      if (peer !== undefined) this.#count("peer", event.repoId, peer, t, amounts, true)
      for (const payload of payloads) {
        if (payload.sender !== undefined)
          this.#count("sender", event.repoId, payload.sender, t, { events: 0, bytes: 0, messages: 1, entries: payload.entries }, true)
      }
      return
    }
    for (const channelId of Array.isArray(event.toChannelIds) ? event.toChannelIds : []) {
      this.#count("channel", event.repoId, String(channelId), t, amounts, false)
      const peer = peerOnChannel(model, channelId)
      if (peer !== undefined) this.#count("peer", event.repoId, peer, t, amounts, false)
    }
  }

  result(): TrafficStats {
    return this.#stats ?? this.#base
  }

  #count(scope: TrafficScope, repoId: string, id: string, t: number, amounts: Amounts, inbound: boolean): void {
    const key = trafficKey(scope, repoId, id)
    this.#stats ??= new Map(this.#base)
    const stats = this.#stats
    let series = stats.get(key) as Writable | undefined
    const second = Math.floor(t / 1000)
    if (!series) {
      series = {
        scope,
        repoId,
        id,
        second,
        eventsIn: zeros(),
        eventsOut: zeros(),
        bytesIn: zeros(),
        bytesOut: zeros(),
        messagesIn: zeros(),
        messagesOut: zeros(),
        entriesIn: zeros(),
        entriesOut: zeros(),
      }
      stats.set(key, series)
      this.#owned.add(key)
    } else if (!this.#owned.has(key)) {
      const old: TrafficSeries = series
      const copy = { ...old } as Writable
      for (const counter of COUNTERS) copy[counter] = old[counter].slice()
      series = copy
      stats.set(key, series)
      this.#owned.add(key)
    }
    advance(series, second)
    // Late events (older than the newest bucket but within the minute) still count in their own second.
    if (second <= series.second - RATE_HISTORY_SECONDS) return
    const slot = ((second % RATE_HISTORY_SECONDS) + RATE_HISTORY_SECONDS) % RATE_HISTORY_SECONDS
    const side = inbound ? "In" : "Out"
    series[`events${side}`][slot]! += amounts.events
    series[`bytes${side}`][slot]! += amounts.bytes
    series[`messages${side}`][slot]! += amounts.messages
    series[`entries${side}`][slot]! += amounts.entries
  }
}

export type Rate = Record<Counter, number>

function sumWindow(values: readonly number[], series: TrafficSeries, nowSecond: number, seconds: number): number {
  let sum = 0
  for (let second = nowSecond - seconds + 1; second <= nowSecond; second++) {
    if (second > series.second || second <= series.second - RATE_HISTORY_SECONDS) continue
    sum += values[((second % RATE_HISTORY_SECONDS) + RATE_HISTORY_SECONDS) % RATE_HISTORY_SECONDS]!
  }
  return sum
}

/** Per-second averages over the last RATE_WINDOW_SECONDS ending at `now` (ms). */
export function rateOf(series: TrafficSeries, now: number, seconds = RATE_WINDOW_SECONDS): Rate {
  const nowSecond = Math.floor(now / 1000)
  const rate = {} as Rate
  for (const counter of COUNTERS) rate[counter] = sumWindow(series[counter], series, nowSecond, seconds) / seconds
  return rate
}

/** Events per second (in + out) for each of the last RATE_HISTORY_SECONDS seconds, oldest first. */
export function eventHistory(series: TrafficSeries, now: number): number[] {
  return history(series, now, "events")
}

/** Per second, in + out, of frames ("events"), messages or entries, for the last minute, oldest first. */
export function history(series: TrafficSeries, now: number, what: "events" | "messages" | "entries"): number[] {
  const nowSecond = Math.floor(now / 1000)
  const inbound = series[`${what}In`]
  const outbound = series[`${what}Out`]
  const found: number[] = []
  for (let second = nowSecond - RATE_HISTORY_SECONDS + 1; second <= nowSecond; second++) {
    const held = second <= series.second && second > series.second - RATE_HISTORY_SECONDS
    const slot = ((second % RATE_HISTORY_SECONDS) + RATE_HISTORY_SECONDS) % RATE_HISTORY_SECONDS
    found.push(held ? inbound[slot]! + outbound[slot]! : 0)
  }
  return found
}

/**
 * A room member's own traffic as one repo receives it: messages and entries
 * per second of the payloads it sent (heartbeats included), through any
 * relay. For the repo itself: everything it sends on all its channels.
 */
export function memberTraffic(
  stats: TrafficStats,
  repoId: string,
  peerId: string,
  isSelf: boolean,
  now: number,
): { messages: number; entries: number } {
  if (!isSelf) {
    const series = stats.get(trafficKey("sender", repoId, peerId))
    if (!series) return { messages: 0, entries: 0 }
    const rate = rateOf(series, now)
    return { messages: rate.messagesIn, entries: rate.entriesIn }
  }
  let messages = 0
  let entries = 0
  for (const series of stats.values()) {
    if (series.scope !== "channel" || series.repoId !== repoId) continue
    const rate = rateOf(series, now)
    messages += rate.messagesOut
    entries += rate.entriesOut
  }
  return { messages, entries }
}
