/**
 * Reading serialized channel messages as the hook sends them: batches
 * unpacked, the ephemeral store payloads a message carries (a
 * `channel/ephemeral` frame's `stores`, or the `ephemeral` riding on a sync
 * request or response), and document payloads (`transmission`). Everything
 * is page data, so every field is checked and nesting is bounded.
 */
import type { WireValue } from "../../protocol/messages"
import { isWireObject, type WireObject } from "../values/summary"

/** Batches inside batches are not sent by 5.x; the bound only guards against hostile pages. */
const MAX_BATCH_DEPTH = 4

export function text(value: WireValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined
}

export function numberOf(value: WireValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined
}

/** A channel message and, for `channel/batch`, every message inside it (the batch first). */
export function flattenBatch(message: WireValue | undefined): WireObject[] {
  const found: WireObject[] = []
  const visit = (value: WireValue | undefined, depth: number): void => {
    if (!isWireObject(value) || depth > MAX_BATCH_DEPTH) return
    found.push(value)
    if (value.type === "channel/batch" && Array.isArray(value.messages)) for (const inner of value.messages) visit(inner, depth + 1)
  }
  visit(message, 0)
  return found
}

/** One namespace's bytes in a frame, with who put them on the wire. */
export interface EphemeralPayload {
  docId?: string
  namespace: string
  /** `stores[i].peerId`: the sender or the relayer, not the owner of the keys. */
  sender?: string
  /** The bytes summary as the hook sent it. */
  data: WireValue
  /** The message that carried it: channel/ephemeral, channel/sync-request, channel/sync-response… */
  carrier: string
  hopsRemaining?: number
}

function storesOf(message: WireObject): WireValue[] {
  const stores = message.type === "channel/ephemeral" ? message.stores : message.ephemeral
  return Array.isArray(stores) ? stores : []
}

/** The ephemeral payloads of one channel message, batches unpacked. */
export function ephemeralPayloads(message: WireValue | undefined): EphemeralPayload[] {
  const payloads: EphemeralPayload[] = []
  for (const inner of flattenBatch(message)) {
    const carrier = text(inner.type) ?? "channel/unknown"
    for (const store of storesOf(inner)) {
      if (!isWireObject(store) || store.data === undefined) continue
      payloads.push({
        docId: text(inner.docId),
        namespace: text(store.namespace) ?? "",
        sender: text(store.peerId),
        data: store.data,
        carrier,
        hopsRemaining: numberOf(inner.hopsRemaining),
      })
    }
  }
  return payloads
}

/** What a document transmission carries: snapshot, update, up-to-date or unavailable. */
export interface DocPayload {
  docId?: string
  carrier: string
  /** transmission.type; "request" for a sync-request's own version. */
  type: string
  /** Bytes of document data (0 when none rides along). */
  size: number
  version?: WireValue
}

function bytesLength(data: WireValue | undefined): number {
  if (!isWireObject(data)) return 0
  return numberOf(data.length) ?? (typeof data.hex === "string" ? data.hex.length / 2 : 0)
}

/** Document payloads of one channel message, batches unpacked. */
export function docPayloads(message: WireValue | undefined): DocPayload[] {
  const payloads: DocPayload[] = []
  for (const inner of flattenBatch(message)) {
    const carrier = text(inner.type) ?? "channel/unknown"
    const transmission = inner.transmission
    if (isWireObject(transmission)) {
      payloads.push({
        docId: text(inner.docId),
        carrier,
        type: text(transmission.type) ?? "unknown",
        size: bytesLength(transmission.data),
        version: transmission.version,
      })
    } else if (carrier === "channel/sync-request") {
      payloads.push({ docId: text(inner.docId), carrier, type: "request", size: 0, version: inner.requesterDocVersion })
    }
  }
  return payloads
}

/** Document ids a channel message names (sync traffic, announcements, ephemeral frames). */
export function channelDocIds(message: WireValue | undefined, into: Set<string>): void {
  for (const inner of flattenBatch(message)) {
    const docId = text(inner.docId)
    if (docId !== undefined) into.add(docId)
    if (Array.isArray(inner.docIds)) for (const id of inner.docIds) if (typeof id === "string") into.add(id)
    if (Array.isArray(inner.docs)) for (const doc of inner.docs) if (isWireObject(doc) && typeof doc.docId === "string") into.add(doc.docId)
  }
}
