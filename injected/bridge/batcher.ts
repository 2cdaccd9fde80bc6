/**
 * Turns drained outbox entries into batches: builds (serialises) the queued
 * events, merges consecutive events of one repo into a single repo/events,
 * and cuts batches well below the relay's limits so none is refused whole.
 * A single message the relay would refuse is dropped and reported instead.
 */
import type { HookEvent, HookToPanelMessage } from "../../protocol/messages"
import { MAX_DEPTH, MAX_MESSAGES_PER_BATCH, MAX_NODES, MAX_STRING_CHARS } from "../../protocol/validate"
import type { OutboxEntry } from "./outbox"
import { measureWire, type WireSize } from "./wire-measure"

export interface BatchLimits {
  nodes: number
  chars: number
  messages: number
}

/** Half the relay's limits or less: room for the envelope and for estimate slack. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  nodes: Math.floor(MAX_NODES / 2.5),
  chars: Math.floor(MAX_STRING_CHARS / 4),
  messages: Math.floor(MAX_MESSAGES_PER_BATCH / 4),
}

/** Levels above a message (envelope, batch, messages) and above an event (+ events array, message). */
const MESSAGE_NESTING = 3
const EVENT_NESTING = MESSAGE_NESTING + 2

export type DropReason = "queue-overflow" | "serialization-failed" | "message-too-large"

export function buildBatches(
  entries: readonly OutboxEntry[],
  overflowDropped: number,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): HookToPanelMessage[][] {
  const builder = new BatchBuilder(limits)
  if (overflowDropped > 0) builder.addMessage({ type: "hook/dropped", count: overflowDropped, reason: "queue-overflow" })
  for (const entry of entries) {
    if (entry.kind === "event") {
      let event: HookEvent
      try {
        event = entry.build(entry.base)
      } catch {
        builder.drop("serialization-failed")
        continue
      }
      builder.addEvent(event)
    } else if (entry.message.type === "repo/events") {
      for (const event of entry.message.events) builder.addEvent(event)
    } else {
      builder.addMessage(entry.message)
    }
  }
  return builder.finish()
}

class BatchBuilder {
  readonly #limits: BatchLimits
  readonly #batches: HookToPanelMessage[][] = []
  #current: HookToPanelMessage[] = []
  #nodes = 0
  #chars = 0
  /** The repo/events message at the end of #current, open for more events of its repo. */
  #open: Extract<HookToPanelMessage, { type: "repo/events" }> | undefined
  readonly #drops = new Map<DropReason, number>()

  constructor(limits: BatchLimits) {
    this.#limits = limits
  }

  drop(reason: DropReason): void {
    this.#drops.set(reason, (this.#drops.get(reason) ?? 0) + 1)
  }

  addMessage(message: HookToPanelMessage): void {
    const size = this.#measure(message, MESSAGE_NESTING)
    if (!size) return
    this.#makeRoom(size)
    this.#current.push(message)
    this.#count(size)
    this.#open = undefined
  }

  addEvent(event: HookEvent): void {
    const size = this.#measure(event, EVENT_NESTING)
    if (!size) return
    const open = this.#open
    if (open && open.repoId === event.repoId && this.#fits(size)) {
      open.events.push(event)
      this.#count(size)
      return
    }
    // A new repo/events costs four nodes and a few chars more than its event.
    const wrapped = { nodes: size.nodes + 4, chars: size.chars + 30 + event.repoId.length }
    this.#makeRoom(wrapped)
    const message: Extract<HookToPanelMessage, { type: "repo/events" }> = {
      type: "repo/events",
      repoId: event.repoId,
      events: [event],
    }
    this.#current.push(message)
    this.#count(wrapped)
    this.#open = message
  }

  finish(): HookToPanelMessage[][] {
    for (const [reason, count] of this.#drops) {
      this.addMessage({ type: "hook/dropped", count, reason })
    }
    if (this.#current.length > 0) this.#batches.push(this.#current)
    return this.#batches
  }

  /** Undefined (and counted as dropped) when the relay could never accept it. */
  #measure(value: unknown, nesting: number): WireSize | undefined {
    const size = measureWire(value, MAX_NODES)
    if (!size.plain) {
      this.drop("serialization-failed")
      return undefined
    }
    if (size.nodes > MAX_NODES / 2 || size.chars > MAX_STRING_CHARS / 2 || size.depth + nesting > MAX_DEPTH) {
      this.drop("message-too-large")
      return undefined
    }
    return size
  }

  #fits(size: { nodes: number; chars: number }): boolean {
    return this.#nodes + size.nodes <= this.#limits.nodes && this.#chars + size.chars <= this.#limits.chars
  }

  #makeRoom(size: { nodes: number; chars: number }): void {
    if (this.#current.length === 0) return
    if (this.#fits(size) && this.#current.length < this.#limits.messages) return
    this.#batches.push(this.#current)
    this.#current = []
    this.#nodes = 0
    this.#chars = 0
    this.#open = undefined
  }

  #count(size: { nodes: number; chars: number }): void {
    this.#nodes += size.nodes
    this.#chars += size.chars
  }
}
