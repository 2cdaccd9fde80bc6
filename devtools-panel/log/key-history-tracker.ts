/**
 * A key's history kept up to date with a live log: each update reads only
 * the records added since the last one, so the history pane costs nothing
 * per frame but the new events. A cleared log starts it over; the first
 * reading looks back at most MAX_SCAN records.
 */
import type { EventLog } from "../state/event-log"
import { recordAt } from "../state/event-log"
import { deepEqual } from "../values/deep-equal"
import { KeyHistoryBuilder, type HistoryStep, type KeyRef } from "./key-history"

/** Records read back when the history is first opened (the newest ones). */
export const MAX_SCAN = 50_000

export class KeyHistoryTracker {
  #builder: KeyHistoryBuilder
  #next = -1
  #generation = -1
  #version = -1
  #steps: readonly HistoryStep[] = []

  constructor(
    readonly ref: KeyRef,
    readonly localPeerId: string,
  ) {
    this.#builder = new KeyHistoryBuilder(ref, localPeerId)
  }

  /** The steps, oldest first; a new array (of new step objects) only when something changed. */
  update(log: EventLog): readonly HistoryStep[] {
    if (log.generation !== this.#generation) {
      this.#builder = new KeyHistoryBuilder(this.ref, this.localPeerId)
      this.#generation = log.generation
      this.#next = Math.max(log.start, log.end - MAX_SCAN)
      this.#steps = []
    }
    const from = Math.max(this.#next, log.start)
    if (from >= log.end) return this.#steps
    for (let seq = from; seq < log.end; seq++) {
      const record = recordAt(log, seq)
      if (record) this.#builder.add(record)
    }
    this.#next = log.end
    // Steps already shown can change (an offer the store then confirmed): copies, so views see it.
    if (this.#builder.version !== this.#version) {
      this.#version = this.#builder.version
      this.#steps = this.#builder.steps.map(step => ({ ...step }))
    }
    return this.#steps
  }
}

/**
 * Steps worth a line by default: a new value taken, a different value
 * refused (a lost update), or one the store has not decided on. Re-stamps
 * and refused repeats of the value the store already holds are the
 * heartbeat's and the relays' background noise.
 */
export function isNotable(step: HistoryStep): boolean {
  if (step.decision === "pending") return true
  if (step.decision === "accepted") return step.effect === "changed"
  const before = step.before
  if (!before) return true
  if (before.deleted !== step.offered.deleted) return true
  return !before.deleted && !deepEqual(before.value, step.offered.value)
}
