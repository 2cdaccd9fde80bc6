/**
 * The engine's timestamps. An EphemeralStore ignores an entry whose timestamp
 * is not newer than the one it holds for that key (ties lose), so Date.now()
 * alone would drop a second update within the same millisecond.
 *
 * One timestamp is taken per frame, not per entry: a frame holds each key at
 * most once, and at 50 peers x 30 Hz per-entry stamps would run the clock
 * ahead of wall time by half a second every second.
 */
export class EngineClock {
  #last = 0

  /** Strictly greater than every timestamp handed out or observed before. */
  next(): number {
    this.#last = Math.max(Date.now(), this.#last + 1)
    return this.#last
  }

  /**
   * A timestamp seen in the app's store (e.g. the app's heartbeat re-stamped
   * our key, or a hub with a clock ahead of ours did): the next frame must be
   * newer than it or the store keeps the old value.
   */
  observe(timestamp: number): void {
    if (Number.isFinite(timestamp) && timestamp > this.#last) this.#last = timestamp
  }
}
