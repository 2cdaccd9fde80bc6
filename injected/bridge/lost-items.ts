/**
 * Names what the hook could not send, so the panel's "lost" counter says
 * which repo, which keys and how big instead of only how many. Only called
 * for a message the batcher drops (rare: store values beyond the cap already
 * travel as summaries), so it may expand a tape to look inside it.
 */
import { tapeAsRepoEvents } from "../../codec/event-tape/reader"
import { StoreIntake } from "../../codec/event-tape/store-intake"
import type { HookEvent, HookToPanelMessage, LostItem } from "../../protocol/messages"

/** Items listed per hook/dropped; the count says how many there were in all. */
export const MAX_LOST_ITEMS = 20

export function lostItems(message: HookToPanelMessage, json: string | undefined): LostItem[] {
  try {
    // Without the stream's replicas a store-op names the keys its bytes carry: enough to say what was lost.
    if (message.type === "repo/event-tape") return tapeAsRepoEvents(message, new StoreIntake()).flatMap(inner => eventItems(inner.events))
    if (message.type === "repo/events") return eventItems(message.events)
  } catch {
    // A tape the hook cannot read back is described as one message below.
  }
  const repoId = "repoId" in message && typeof message.repoId === "string" ? message.repoId : ""
  return [{ repoId, kind: message.type, size: json?.length ?? 0 }]
}

function eventItems(events: readonly HookEvent[]): LostItem[] {
  return events.slice(0, MAX_LOST_ITEMS).map(event => ({
    repoId: event.repoId,
    kind: event.kind,
    ...(event.kind === "store" ? { keys: event.entries.map(entry => `${event.namespace}/${entry.key}`) } : {}),
    size: sizeOf(event),
  }))
}

/** A store event's size is its entries' encoded bytes (its values reach here already summarised). */
function sizeOf(event: HookEvent): number {
  if (event.kind === "store" && event.entries.some(entry => entry.size !== undefined)) {
    return event.entries.reduce((sum, entry) => sum + (entry.size ?? 0), 0)
  }
  try {
    return JSON.stringify(event).length
  } catch {
    return 0
  }
}
