/**
 * Turns drained outbox entries into batch texts: each message is turned into
 * JSON once, and batches are cut well below the relay's limit so none is
 * refused whole. A single message that cannot become JSON, or that the relay
 * would refuse, is dropped and reported instead.
 */
import type { HookToPanelMessage, LostItem } from "../../protocol/messages"
import { MAX_MESSAGES_PER_BATCH, MAX_STRING_CHARS } from "../../protocol/validate"
import { lostItems, MAX_LOST_ITEMS } from "./lost-items"
import type { OutboxEntry } from "./outbox"

export interface BatchLimits {
  /** JSON chars per batch. */
  chars: number
  messages: number
}

/** A quarter of the relay's limits: room for the envelope. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  chars: Math.floor(MAX_STRING_CHARS / 4),
  messages: Math.floor(MAX_MESSAGES_PER_BATCH / 4),
}

export type DropReason = "queue-overflow" | "serialization-failed" | "message-too-large"

/** One batch: its messages' JSON texts (joined into the batch text by the bridge), and its events plus other messages. */
export interface BatchText {
  messages: string[]
  count: number
}

export function buildBatches(
  entries: readonly OutboxEntry[],
  overflowDropped: number,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): BatchText[] {
  const batches: BatchText[] = []
  let current: BatchText = { messages: [], count: 0 }
  let chars = 0
  const drops = new Map<DropReason, { count: number; lost: LostItem[] }>()
  const drop = (reason: DropReason, count: number, message: HookToPanelMessage, json?: string) => {
    const dropped = drops.get(reason) ?? { count: 0, lost: [] }
    dropped.count += count
    if (dropped.lost.length < MAX_LOST_ITEMS) dropped.lost.push(...lostItems(message, json).slice(0, MAX_LOST_ITEMS - dropped.lost.length))
    drops.set(reason, dropped)
  }

  const add = (json: string, events: number) => {
    if (current.messages.length > 0 && (chars + json.length > limits.chars || current.messages.length >= limits.messages)) {
      batches.push(current)
      current = { messages: [], count: 0 }
      chars = 0
    }
    current.messages.push(json)
    current.count += Math.max(events, 1)
    chars += json.length + 1
  }
  const addMessage = (message: HookToPanelMessage, events: number) => {
    let json: string
    try {
      json = JSON.stringify(message)
    } catch {
      // An emit() with a BigInt or a cycle in it.
      drop("serialization-failed", Math.max(events, 1), message)
      return
    }
    if (typeof json !== "string") drop("serialization-failed", Math.max(events, 1), message)
    else if (json.length > limits.chars) drop("message-too-large", Math.max(events, 1), message, json)
    else add(json, events)
  }

  if (overflowDropped > 0) addMessage({ type: "hook/dropped", count: overflowDropped, reason: "queue-overflow" }, 0)
  for (const entry of entries) addMessage(entry.message, entry.weight)
  for (const [reason, { count, lost }] of drops) addMessage({ type: "hook/dropped", count, reason, lost }, 0)
  if (current.messages.length > 0) batches.push(current)
  return batches
}
