/**
 * The bounded queue between the hook and the next flush: messages in order,
 * each with the number of events it carries (an event tape, an emitted
 * repo/events; 0 for control messages). Beyond `maxEvents` the oldest
 * event-carrying messages are dropped and their events counted; control
 * messages that were at the head are carried over instead, so the panel
 * never misses a repo/registered or repo/unregistered, and their order is
 * kept (they are older than everything behind them).
 */
import type { HookToPanelMessage } from "../../protocol/messages"

export interface OutboxEntry {
  message: HookToPanelMessage
  /** How many events the message carries. */
  weight: number
}

export class Outbox {
  readonly #maxEvents: number
  #entries: OutboxEntry[] = []
  #head = 0
  #carried: OutboxEntry[] = []
  #events = 0
  #dropped = 0

  constructor(maxEvents: number) {
    this.#maxEvents = maxEvents
  }

  /** Entries waiting, carried ones included. */
  get size(): number {
    return this.#entries.length - this.#head + this.#carried.length
  }

  /** Events waiting (what the cap counts). */
  get events(): number {
    return this.#events
  }

  push(entry: OutboxEntry): void {
    this.#entries.push(entry)
    this.#events += weightOf(entry)
    while (this.#events > this.#maxEvents && this.#head < this.#entries.length) {
      const oldest = this.#entries[this.#head++]!
      const weight = weightOf(oldest)
      if (weight === 0) {
        this.#carried.push(oldest)
      } else {
        this.#events -= weight
        this.#dropped += weight
      }
    }
    this.#compact()
  }

  /** Removes and returns entries, oldest first, until they carry `maxEvents` (at least one entry). */
  drain(maxEvents: number): OutboxEntry[] {
    const taken = this.#carried.splice(0)
    let events = 0
    while (this.#head < this.#entries.length && (taken.length === 0 || events < maxEvents)) {
      const entry = this.#entries[this.#head++]!
      events += entry.weight
      taken.push(entry)
    }
    this.#compact()
    this.#events -= events
    return taken
  }

  /** Events dropped since the last call. */
  takeDropped(): number {
    const dropped = this.#dropped
    this.#dropped = 0
    return dropped
  }

  clear(): void {
    this.#entries = []
    this.#head = 0
    this.#carried = []
    this.#events = 0
    this.#dropped = 0
  }

  #compact(): void {
    if (this.#head === this.#entries.length) {
      this.#entries = []
      this.#head = 0
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head)
      this.#head = 0
    }
  }
}

function weightOf(entry: OutboxEntry): number {
  return entry.weight
}
