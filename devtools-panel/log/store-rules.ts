/**
 * The rules of loro-crdt's EphemeralStore, as the panel reads them: a key's
 * copy is a value (or a tombstone) and the writer's timestamp; an import is
 * last-writer-wins by that timestamp and a tie keeps the store's copy; a
 * local write always overwrites.
 */
import type { WireValue } from "../../protocol/messages"
import { deepEqual } from "../values/deep-equal"

/** One copy of a key. */
export interface Copy {
  /** Absent for tombstones. */
  value?: WireValue
  deleted: boolean
  timestamp?: number
}

export type ImportVerdict = "accepted" | "refused-tie" | "refused-older"

/** Last-writer-wins against what the store holds: strictly newer wins, a tie keeps the store's copy. */
export function decide(offered: Copy, held: Copy): ImportVerdict {
  const offeredAt = offered.timestamp ?? -Infinity
  const heldAt = held.timestamp ?? -Infinity
  if (offeredAt > heldAt) return "accepted"
  return offeredAt === heldAt ? "refused-tie" : "refused-older"
}

/** An entry as a copy; a live key without a value on the wire reads null. */
export function copyOf(entry: { value?: WireValue; deleted: boolean; timestamp?: number }): Copy {
  return {
    ...(entry.deleted ? {} : { value: entry.value ?? null }),
    deleted: entry.deleted === true,
    ...(entry.timestamp === undefined ? {} : { timestamp: entry.timestamp }),
  }
}

/** The same value, or both tombstones, whatever the timestamps. */
export function sameContent(a: Copy, b: Copy): boolean {
  return a.deleted === b.deleted && (a.deleted || deepEqual(a.value, b.value))
}

/** The same content under the same timestamp: the same write. */
export function sameCopy(a: Copy, b: Copy): boolean {
  return a.timestamp === b.timestamp && sameContent(a, b)
}

/** Text equal for copies with the same content (for maps keyed by value). */
export function contentKey(copy: Copy): string {
  return copy.deleted ? "\u0000deleted" : JSON.stringify(copy.value)
}
