/**
 * The bounded queue between the taps and the next flush. Events are kept as
 * builders (serialised at flush time); control messages as they are. Beyond
 * `maxEvents` the oldest events are dropped and counted; control messages
 * that were at the head are carried over instead, so the panel never misses
 * a repo/registered or repo/unregistered, and their order is kept (they are
 * older than everything behind them).
 */
import type { HookEvent, HookToPanelMessage } from "../../protocol/messages"

/** The fields every HookEvent carries, fixed when the event is observed. */
export type EventBase = Pick<HookEvent, "id" | "repoId" | "t">

/** Builds the event at flush time; must read only values that cannot have changed since. */
export type EventBuilder = (base: EventBase) => HookEvent

export type OutboxEntry =
  | { kind: "event"; base: EventBase; build: EventBuilder }
  /** `weight` is how many events the message carries (an emitted repo/events), 0 for control. */
  | { kind: "message"; message: HookToPanelMessage; weight: number }

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

  /** Removes and returns up to `max` entries, oldest first. */
  drain(max: number): OutboxEntry[] {
    const taken = this.#carried.splice(0, max)
    const room = max - taken.length
    if (room > 0) {
      const end = Math.min(this.#entries.length, this.#head + room)
      for (let index = this.#head; index < end; index++) taken.push(this.#entries[index]!)
      this.#head = end
      this.#compact()
    }
    for (const entry of taken) this.#events -= weightOf(entry)
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
  return entry.kind === "event" ? 1 : entry.weight
}
