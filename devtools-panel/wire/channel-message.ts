/**
 * Reading serialized channel messages as the hook sends them: batches
 * unpacked, the ephemeral store payloads a message carries (a
 * `channel/ephemeral` frame's `stores`, or the `ephemeral` riding on a sync
 * request or response; automerge-repo: an `ephemeral` message's `data`),
 * and document payloads (`transmission`; automerge-repo: a sync message's
 * `data`). Everything is page data, so every field is checked and nesting
 * is bounded.
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
  /** How the bytes are encoded: loro's EphemeralStore format, or automerge-repo's CBOR. */
  format: "loro" | "cbor"
  docId?: string
  /** loro: the store's namespace; automerge: empty until decoded (the Presence message's kind names it). */
  namespace: string
  /** loro: `stores[i].peerId`, the sender or the relayer, not the owner of the keys. automerge: `senderId`, the author (relays keep it). */
  sender?: string
  /** The bytes summary as the hook sent it. */
  data: WireValue
  /** The message that carried it: channel/ephemeral, channel/sync-request, channel/sync-response, ephemeral… */
  carrier: string
  hopsRemaining?: number
  /** automerge: the sender's session, and its count in it (the two that deduplicate gossip). */
  session?: string
  count?: number
}

function storesOf(message: WireObject): WireValue[] {
  const stores = message.type === "channel/ephemeral" ? message.stores : message.ephemeral
  return Array.isArray(stores) ? stores : []
}

/** The ephemeral payloads of one channel message, batches unpacked. */
export function ephemeralPayloads(message: WireValue | undefined): EphemeralPayload[] {
  const payloads: EphemeralPayload[] = []
  if (isAutomergeEphemeral(message)) {
    return [
      {
        format: "cbor",
        docId: text(message.documentId),
        namespace: "",
        sender: text(message.senderId),
        data: message.data,
        carrier: "ephemeral",
        session: text(message.sessionId),
        count: numberOf(message.count),
      },
    ]
  }
  for (const inner of flattenBatch(message)) {
    const carrier = text(inner.type) ?? "channel/unknown"
    for (const store of storesOf(inner)) {
      if (!isWireObject(store) || store.data === undefined) continue
      payloads.push({
        format: "loro",
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

/** automerge-repo's ephemeral message: `{type: "ephemeral", senderId, sessionId, count, documentId, data}`. */
export function isAutomergeEphemeral(message: WireValue | undefined): message is WireObject & { data: WireValue } {
  return isWireObject(message) && message.type === "ephemeral" && message.data !== undefined
}

/** automerge-repo's document traffic: sync messages, requests, and the answer that a peer has none. */
const AUTOMERGE_DOC_MESSAGES = new Set(["sync", "request", "doc-unavailable"])

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
  if (isWireObject(message) && AUTOMERGE_DOC_MESSAGES.has(String(message.type)) && typeof message.documentId === "string") {
    const type = String(message.type)
    return [{ docId: message.documentId, carrier: type, type, size: bytesLength(message.data) }]
  }
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
    const docId = text(inner.docId) ?? text(inner.documentId)
    if (docId !== undefined) into.add(docId)
    if (Array.isArray(inner.docIds)) for (const id of inner.docIds) if (typeof id === "string") into.add(id)
    if (Array.isArray(inner.docs)) for (const doc of inner.docs) if (isWireObject(doc) && typeof doc.docId === "string") into.add(doc.docId)
  }
}
