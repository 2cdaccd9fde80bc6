/**
 * Batches waiting for the standalone server: while the socket is away, or
 * while it has more than it can send (a slow panel). Bounded by characters;
 * what does not fit is counted, by the items the batches carried, and
 * reported when the link is back, never silently gone.
 */
export interface BufferedBatch {
  /** The frame as it will be sent. */
  text: string
  /** Items (events and messages) it carries: what is lost if it is dropped. */
  count: number
}

export class BatchBuffer {
  #batches: BufferedBatch[] = []
  #chars = 0
  #lost = 0
  readonly #maxChars: number

  constructor(maxChars: number) {
    this.#maxChars = maxChars
  }

  get size(): number {
    return this.#batches.length
  }

  /** Keeps the newest batches: the oldest go first when it is full. */
  push(batch: BufferedBatch): void {
    this.#batches.push(batch)
    this.#chars += batch.text.length
    while (this.#chars > this.#maxChars && this.#batches.length > 0) {
      const oldest = this.#batches.shift()!
      this.#chars -= oldest.text.length
      this.#lost += oldest.count
    }
  }

  /** Removes and returns everything held, oldest first. */
  drain(): BufferedBatch[] {
    const batches = this.#batches
    this.#batches = []
    this.#chars = 0
    return batches
  }

  /** Drops everything held, counting it lost. */
  discard(): void {
    for (const batch of this.drain()) this.#lost += batch.count
  }

  /** Items lost since the last call. */
  takeLost(): number {
    const lost = this.#lost
    this.#lost = 0
    return lost
  }
}
