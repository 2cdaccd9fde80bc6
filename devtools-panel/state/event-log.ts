/**
 * The event log: every event the hook reports, in arrival order, in a ring
 * buffer whose capacity the user sets (default 100,000).
 *
 * Records live in chunks of LOG_CHUNK_SIZE aligned on their sequence number,
 * so a record is found in O(1) and appending copies only the chunk directory.
 * Appends write into the last chunk in place: an older version of the log
 * never reads past its own `end`, so it cannot see them. A version that was
 * branched from (the same log appended to twice) copies the chunk instead.
 */
import type { HookEvent, ModelSnapshot } from "../../protocol/messages"
import { facetsOf, type LogFacets } from "../wire/facets"
import { TrafficWriter, type TrafficStats } from "../wire/traffic-rates"

export const LOG_CHUNK_SIZE = 1024
export const MIN_LOG_CAPACITY = 1
export const MAX_LOG_CAPACITY = 2_000_000

export interface LogRecord {
  /** Position in this panel's log; never reused (event ids restart with every page load). */
  readonly seq: number
  readonly event: HookEvent
  /** The repo's model as it was when the event was observed (before a sync message's own delta). */
  readonly model: ModelSnapshot
  readonly facets: LogFacets
}

/** What the reducer hands over for one event. */
export interface ObservedEvent {
  readonly event: HookEvent
  readonly model: ModelSnapshot
  readonly label: string
  /** Every store key of the repo is a peer id (automerge-repo's maps are keyed by peer; loro-extended's only by convention). */
  readonly keysArePeers?: boolean
}

export interface EventLog {
  /** chunks[i] holds the records with seq in [(firstChunk + i) * LOG_CHUNK_SIZE, …). */
  readonly chunks: readonly (readonly LogRecord[])[]
  readonly firstChunk: number
  /** The oldest record held. */
  readonly start: number
  /** The seq the next record gets: records ever recorded. */
  readonly end: number
  readonly capacity: number
  readonly paused: boolean
  /** Events that arrived while paused, since the last clear. */
  readonly notRecorded: number
  /** Records the capacity pushed out, since the last clear. */
  readonly evicted: number
  /** Bumped by clear, so that views drop what they derived. */
  readonly generation: number
  /** Live per-channel and per-peer rates, fed whether paused or not. */
  readonly traffic: TrafficStats
  /** Records held (end - start). */
  readonly size: number
  /** Events ever recorded (the same as end). */
  readonly total: number
}

function clampCapacity(capacity: number): number {
  if (!Number.isFinite(capacity)) return MAX_LOG_CAPACITY
  return Math.min(MAX_LOG_CAPACITY, Math.max(MIN_LOG_CAPACITY, Math.floor(capacity)))
}

export function emptyLog(capacity: number): EventLog {
  return {
    chunks: [],
    firstChunk: 0,
    start: 0,
    end: 0,
    capacity: clampCapacity(capacity),
    paused: false,
    notRecorded: 0,
    evicted: 0,
    generation: 0,
    traffic: new Map(),
    size: 0,
    total: 0,
  }
}

/** Records `observed` (unless paused) and counts their traffic. */
export function appendToLog(log: EventLog, observed: readonly ObservedEvent[]): EventLog {
  if (observed.length === 0) return log
  const traffic = new TrafficWriter(log.traffic)
  for (const { event, model } of observed) traffic.add(event, model)
  if (log.paused) return { ...log, notRecorded: log.notRecorded + observed.length, traffic: traffic.result() }

  const chunks = log.chunks.slice()
  let end = log.end
  let last = chunks.length > 0 ? (chunks[chunks.length - 1] as LogRecord[]) : undefined
  const ownLength = end - (log.firstChunk + chunks.length - 1) * LOG_CHUNK_SIZE
  if (last && last.length !== ownLength) {
    // Another version appended to this chunk after ours: take our part only.
    last = last.slice(0, ownLength)
    chunks[chunks.length - 1] = last
  }
  for (const { event, model, label, keysArePeers } of observed) {
    if (!last || last.length === LOG_CHUNK_SIZE) {
      last = []
      // After a clear the next seq may sit mid-chunk: leave holes so positions stay aligned.
      last.length = end % LOG_CHUNK_SIZE
      chunks.push(last)
    }
    last.push({ seq: end, event, model, facets: facetsOf(event, model, label, keysArePeers) })
    end++
  }
  return trim({ ...log, chunks, end, total: end, size: end - log.start, traffic: traffic.result() })
}

/** Drops the oldest records beyond capacity; whole chunks leave the directory. */
function trim(log: EventLog): EventLog {
  const start = Math.max(log.start, log.end - log.capacity)
  if (start === log.start) return log
  let { chunks, firstChunk } = log
  const drop = Math.min(chunks.length, Math.floor(start / LOG_CHUNK_SIZE) - firstChunk)
  if (drop > 0) {
    chunks = chunks.slice(drop)
    firstChunk += drop
  }
  return { ...log, chunks, firstChunk, start, size: log.end - start, evicted: log.evicted + (start - log.start) }
}

export function setLogCapacity(log: EventLog, capacity: number): EventLog {
  const next = clampCapacity(capacity)
  return next === log.capacity ? log : trim({ ...log, capacity: next })
}

export function setLogPaused(log: EventLog, paused: boolean): EventLog {
  return paused === log.paused ? log : { ...log, paused }
}

/** Empties the log; sequence numbers go on, settings and rates stay. */
export function clearLog(log: EventLog): EventLog {
  return {
    ...log,
    chunks: [],
    firstChunk: Math.floor(log.end / LOG_CHUNK_SIZE),
    start: log.end,
    size: 0,
    notRecorded: 0,
    evicted: 0,
    generation: log.generation + 1,
  }
}

export function recordAt(log: EventLog, seq: number): LogRecord | undefined {
  if (!(seq >= log.start && seq < log.end)) return undefined
  return log.chunks[Math.floor(seq / LOG_CHUNK_SIZE) - log.firstChunk]?.[seq % LOG_CHUNK_SIZE]
}

/** Oldest first; for tests and exports, not for rendering 100,000 rows. */
export function logRecords(log: EventLog): LogRecord[] {
  const records: LogRecord[] = []
  for (let seq = log.start; seq < log.end; seq++) records.push(recordAt(log, seq)!)
  return records
}

export function logEvents(log: EventLog): HookEvent[] {
  return logRecords(log).map(record => record.event)
}
