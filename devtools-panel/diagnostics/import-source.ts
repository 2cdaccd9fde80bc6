/**
 * Which payload of the last frame brought an imported key. A repo imports
 * a frame's payloads right after the frame arrives, so a store's `import`
 * change belongs to the latest inbound frame carrying that document and
 * namespace. When several payloads of that frame could have brought it (a
 * relay batches forwarded frames of several senders), the one holding the
 * key with the timestamp the store now has is it: an import keeps the
 * sender's stamp.
 */
import type { StoreEntry } from "../../protocol/messages"
import type { CarriedPayload, ImportSource } from "./input"

export interface InboundFrame {
  readonly channelId: number
  readonly channelPeer?: string
  readonly payloads: readonly CarriedPayload[]
}

/** Where one imported entry came from; undefined when the last frame did not carry its store. */
export function importSource(
  frame: InboundFrame | undefined,
  docId: string,
  namespace: string,
  entry: StoreEntry,
): ImportSource | undefined {
  if (!frame) return undefined
  const candidates = frame.payloads.filter(payload => payload.docId === docId && payload.namespace === namespace)
  if (candidates.length === 0) return undefined
  const senders = new Set(candidates.map(payload => payload.sender))
  const sender = senders.size === 1 ? candidates[0]!.sender : senderOf(candidates, entry)
  return {
    channelId: frame.channelId,
    ...(frame.channelPeer !== undefined ? { channelPeer: frame.channelPeer } : {}),
    ...(sender !== undefined ? { sender } : {}),
  }
}

function senderOf(candidates: readonly CarriedPayload[], entry: StoreEntry): string | undefined {
  // The last payload holding it wins, as the last apply() did.
  for (let index = candidates.length - 1; index >= 0; index--) {
    const payload = candidates[index]!
    if (payload.entries().some(carried => carried.key === entry.key && carried.timestamp === entry.timestamp)) return payload.sender
  }
  return undefined
}
