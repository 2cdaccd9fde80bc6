/**
 * A bounded log of traffic events for the event-log view. Stored as a list
 * of fixed-size chunks so that appending copies at most one chunk: a plain
 * immutable array would copy 100,000 events on every batch.
 */
import type { HookEvent } from "../../protocol/messages"

/** The events the log keeps: traffic, not store changes (those live in the maps). */
export type LoggedEvent = Extract<HookEvent, { kind: "channel-in" | "channel-out" | "emitter" }>

export const LOG_CHUNK_SIZE = 1024

export interface EventLog {
  readonly chunks: readonly (readonly LoggedEvent[])[]
  /** Events currently held (at most capacity). */
  readonly size: number
  /** Events ever appended, including the ones the capacity pushed out. */
  readonly total: number
  readonly capacity: number
}

export function emptyLog(capacity: number): EventLog {
  return { chunks: [], size: 0, total: 0, capacity: Math.max(1, Math.floor(capacity)) }
}

export function isLoggedEvent(event: HookEvent): event is LoggedEvent {
  return event.kind === "channel-in" || event.kind === "channel-out" || event.kind === "emitter"
}

export function appendToLog(log: EventLog, events: readonly LoggedEvent[]): EventLog {
  if (events.length === 0) return log
  const chunks = log.chunks.slice()
  let last = chunks.length > 0 && chunks[chunks.length - 1].length < LOG_CHUNK_SIZE ? chunks.pop()!.slice() : []
  for (const event of events) {
    if (last.length === LOG_CHUNK_SIZE) {
      chunks.push(last)
      last = []
    }
    last.push(event)
  }
  chunks.push(last)
  let size = log.size + events.length
  // Whole chunks first (cheap), then trim the oldest remaining chunk.
  while (chunks.length > 1 && size - chunks[0].length >= log.capacity) size -= chunks.shift()!.length
  if (size > log.capacity) {
    const excess = size - log.capacity
    chunks[0] = chunks[0].slice(excess)
    size -= excess
  }
  return { chunks, size, total: log.total + events.length, capacity: log.capacity }
}

/** Oldest first; for tests and exports, not for rendering 100,000 rows. */
export function logEvents(log: EventLog): LoggedEvent[] {
  return log.chunks.flat()
}
