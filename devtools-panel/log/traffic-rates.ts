/**
 * Live traffic per channel and per peer: events and bytes in and out, in
 * one-second buckets over the last minute (a ring indexed by second). Fed
 * with every channel message, recorded or not: pausing the log does not
 * stop the rates.
 *
 * Updates are copy-on-write per batch: a series is copied the first time a
 * batch touches it, then written in place for the rest of that batch.
 */
import type { HookEvent, ModelSnapshot } from "../../protocol/messages"
import { peerOnChannel } from "./facets"

export const RATE_HISTORY_SECONDS = 60
/** Rates are averaged over this many seconds, the current one included. */
export const RATE_WINDOW_SECONDS = 5

export type TrafficScope = "channel" | "peer"

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
    series.eventsIn[slot] = series.eventsOut[slot] = series.bytesIn[slot] = series.bytesOut[slot] = 0
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
    const size = typeof event.size === "number" && event.size > 0 ? event.size : 0
    if (event.kind === "channel-in") {
      this.#count("channel", event.repoId, String(event.channelId), t, size, true)
      const peer = event.peerId ?? peerOnChannel(model, event.channelId)
      if (peer !== undefined) this.#count("peer", event.repoId, peer, t, size, true)
      return
    }
    for (const channelId of Array.isArray(event.toChannelIds) ? event.toChannelIds : []) {
      this.#count("channel", event.repoId, String(channelId), t, size, false)
      const peer = peerOnChannel(model, channelId)
      if (peer !== undefined) this.#count("peer", event.repoId, peer, t, size, false)
    }
  }

  result(): TrafficStats {
    return this.#stats ?? this.#base
  }

  #count(scope: TrafficScope, repoId: string, id: string, t: number, size: number, inbound: boolean): void {
    const key = trafficKey(scope, repoId, id)
    this.#stats ??= new Map(this.#base)
    const stats = this.#stats
    let series = stats.get(key) as Writable | undefined
    const second = Math.floor(t / 1000)
    if (!series) {
      series = { scope, repoId, id, second, eventsIn: zeros(), eventsOut: zeros(), bytesIn: zeros(), bytesOut: zeros() }
      stats.set(key, series)
      this.#owned.add(key)
    } else if (!this.#owned.has(key)) {
      const old: TrafficSeries = series
      series = {
        ...old,
        eventsIn: old.eventsIn.slice(),
        eventsOut: old.eventsOut.slice(),
        bytesIn: old.bytesIn.slice(),
        bytesOut: old.bytesOut.slice(),
      }
      stats.set(key, series)
      this.#owned.add(key)
    }
    advance(series, second)
    // Late events (older than the newest bucket but within the minute) still count in their own second.
    if (second <= series.second - RATE_HISTORY_SECONDS) return
    const slot = ((second % RATE_HISTORY_SECONDS) + RATE_HISTORY_SECONDS) % RATE_HISTORY_SECONDS
    if (inbound) {
      series.eventsIn[slot]! += 1
      series.bytesIn[slot]! += size
    } else {
      series.eventsOut[slot]! += 1
      series.bytesOut[slot]! += size
    }
  }
}

export interface Rate {
  eventsIn: number
  eventsOut: number
  bytesIn: number
  bytesOut: number
}

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
  const per = (values: readonly number[]) => sumWindow(values, series, nowSecond, seconds) / seconds
  return { eventsIn: per(series.eventsIn), eventsOut: per(series.eventsOut), bytesIn: per(series.bytesIn), bytesOut: per(series.bytesOut) }
}

/** Events per second (in + out) for each of the last RATE_HISTORY_SECONDS seconds, oldest first. */
export function eventHistory(series: TrafficSeries, now: number): number[] {
  const nowSecond = Math.floor(now / 1000)
  const history: number[] = []
  for (let second = nowSecond - RATE_HISTORY_SECONDS + 1; second <= nowSecond; second++) {
    const held = second <= series.second && second > series.second - RATE_HISTORY_SECONDS
    const slot = ((second % RATE_HISTORY_SECONDS) + RATE_HISTORY_SECONDS) % RATE_HISTORY_SECONDS
    history.push(held ? series.eventsIn[slot]! + series.eventsOut[slot]! : 0)
  }
  return history
}
