/**
 * Reconnection delays: doubling from `minMs` up to `maxMs`, with jitter so
 * that many processes restarted together do not knock in step.
 */
export class Backoff {
  #attempt = 0
  readonly #minMs: number
  readonly #maxMs: number
  readonly #random: () => number

  constructor(minMs: number, maxMs: number, random: () => number = Math.random) {
    this.#minMs = minMs
    this.#maxMs = maxMs
    this.#random = random
  }

  /** The delay before the next attempt; each call doubles the next. */
  next(): number {
    const base = Math.min(this.#maxMs, this.#minMs * 2 ** this.#attempt)
    this.#attempt = Math.min(this.#attempt + 1, 30)
    return Math.round(base / 2 + (this.#random() * base) / 2)
  }

  /** A connection held: start again from the shortest delay. */
  reset(): void {
    this.#attempt = 0
  }
}
