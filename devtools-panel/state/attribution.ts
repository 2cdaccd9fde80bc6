/**
 * Which channel delivered an imported key (both libraries: automerge-repo's
 * relayed ephemeral messages keep their author as `senderId`, but the channel
 * they came on is the relay's). A `channel/ephemeral` frame's
 * `stores[i].peerId` is the sender or a relayer, not the key's owner (a hub
 * forwards everyone's entries), so the panel remembers the last inbound frame
 * that carried ephemeral data and credits the `by: "import"` store events
 * that follow it for the same document to that frame's channel.
 *
 * The frame also says whose copy of a store each payload is: the sender
 * (`stores[i].peerId`). A key that arrives in another peer's copy was not
 * sent by its writer but re-sent, and in 5.x re-stamped, by that peer.
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
    // automerge-repo: an ephemeral message names its document as documentId.
    if (type === "ephemeral" && typeof value.documentId === "string") found.add(value.documentId)
  }
  visit(message, isRecord(message) && typeof message.type === "string" ? message.type : msgType, 0)
  return [...found]
}

/** Key of a (document, namespace) pair in `storeSenders`. */
export function storeSenderKey(docId: string, namespace: string): string {
  return `${docId}\u001f${namespace}`
}

/**
 * Who sent each (document, namespace) payload of a channel message: the
 * sender's peer id, or undefined when payloads of several senders carry it
 * (a relay's batch of forwarded frames) and the key alone could tell.
 */
export function storeSenders(message: WireValue, msgType: string): Map<string, string | undefined> {
  const senders = new Map<string, string | undefined>()
  const visit = (value: WireValue, type: string, depth: number): void => {
    if (!isRecord(value) || depth > 4) return
    if (type === "channel/batch" && Array.isArray(value.messages)) {
      for (const inner of value.messages) if (isRecord(inner)) visit(inner, String(inner.type ?? ""), depth + 1)
      return
    }
    const stores = type === "channel/ephemeral" ? value.stores : value.ephemeral
    if (typeof value.docId !== "string" || !Array.isArray(stores)) return
    for (const store of stores) {
      if (!isRecord(store) || typeof store.namespace !== "string") continue
      const key = storeSenderKey(value.docId, store.namespace)
      const sender = typeof store.peerId === "string" ? store.peerId : undefined
      senders.set(key, senders.has(key) && senders.get(key) !== sender ? undefined : sender)
    }
  }
  visit(message, isRecord(message) && typeof message.type === "string" ? message.type : msgType, 0)
  return senders
}
