/**
 * The engine's only timer. Every animated namespace of every peer is
 * advanced from one interval, so 50 peers at 30 Hz cost 30 timer callbacks a
 * second, not 1,500, and their updates leave in one frame per tick.
 */

/** 60 Hz: faster ticks would not be painted anyway. */
export const MIN_TICK_MS = 16
/** Slow behaviours (a toggle every few seconds) are still looked at once a second. */
export const MAX_TICK_MS = 1000

export class TickScheduler {
  readonly #onTick: (now: number) => void
  #timer: ReturnType<typeof setInterval> | undefined
  #intervalMs: number | undefined

  constructor(onTick: (now: number) => void) {
    this.#onTick = onTick
  }

  /** The current tick interval, undefined while stopped. */
  get intervalMs(): number | undefined {
    return this.#intervalMs
  }

  /**
   * Ticks at the shortest interval any behaviour asks for (clamped), or stops
   * when none does. Restarts the timer only when the interval changes.
   */
  run(wantedMs: number | undefined): void {
    const intervalMs = wantedMs === undefined ? undefined : Math.round(Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, wantedMs)))
    if (intervalMs === this.#intervalMs) return
    this.stop()
    if (intervalMs === undefined) return
    this.#intervalMs = intervalMs
    this.#timer = setInterval(() => this.#onTick(Date.now()), intervalMs)
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    this.#intervalMs = undefined
  }
}
