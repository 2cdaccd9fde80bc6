/**
 * Which channel delivered an imported key. A `channel/ephemeral` frame's
 * `stores[i].peerId` is the sender or a relayer, not the key's owner (a hub
 * forwards everyone's entries), so the panel remembers the last inbound frame
 * that carried ephemeral data and credits the `by: "import"` store events
 * that follow it for the same document to that frame's channel.
 */
import type { WireValue } from "../../protocol/messages"

function isRecord(value: unknown): value is Record<string, WireValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/** Documents whose ephemeral data a channel message carries (batches unpacked). */
export function ephemeralDocIds(message: WireValue, msgType: string): string[] {
  const found = new Set<string>()
  const visit = (value: WireValue, type: string, depth: number): void => {
    if (!isRecord(value) || depth > 4) return
    if (type === "channel/batch" && Array.isArray(value.messages)) {
      for (const inner of value.messages) if (isRecord(inner)) visit(inner, String(inner.type ?? ""), depth + 1)
      return
    }
    const carriesEphemeral = type === "channel/ephemeral" || (value.ephemeral !== undefined && value.ephemeral !== null)
    if (carriesEphemeral && typeof value.docId === "string") found.add(value.docId)
  }
  visit(message, isRecord(message) && typeof message.type === "string" ? message.type : msgType, 0)
  return [...found]
}
