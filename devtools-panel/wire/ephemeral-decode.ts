/**
 * Decoding the ephemeral store bytes a frame carries into keys, values and
 * the writers' timestamps. The pure decoder (codec/loro-ephemeral) is the one that
 * sees timestamps, which loro-crdt's EphemeralStore does not expose; the
 * detail view checks its values against loro itself (loro-check.ts).
 *
 * Entries are attributed by their key, never by the frame's `peerId`: a hub
 * relays everyone's entries under its own id.
 *
 * automerge-repo's payloads are CBOR (automerge-payload.ts): their entries
 * are a Presence message's channels, or a raw broadcast's message, all
 * written by the message's sender (relays keep the author's `senderId`).
 * They carry no writer's timestamp.
 */
import type { WireValue } from "../../protocol/messages"
import { tryDecodeEphemeralStore, type DecodedEntry, type DecodedValue } from "../../codec/loro-ephemeral/ephemeral-codec"
import { bytesToHex, hexToBytes } from "../../codec/hex"
import { serialize } from "../../codec/serialize/serialize"
import { field, numberField, readSummary } from "../values/summary"
import { decodeCbor, readCborPayload } from "./automerge-payload"
import { ephemeralPayloads, type EphemeralPayload } from "./channel-message"

export interface DecodedEntryView {
  key: string
  /** The peer the key belongs to: loro-extended keys presence by peer id. */
  peer?: string
  /** Absent for tombstones. */
  value?: WireValue
  deleted: boolean
  /** The writer's clock, ms since epoch (loro; automerge's messages carry none). */
  timestamp?: number
  /** Bytes this entry takes in the frame (loro). */
  size?: number
}

export interface DecodedPayload {
  payload: EphemeralPayload
  bytes?: Uint8Array
  /** automerge: what the message is ("presence update", "presence heartbeat", "broadcast", …). */
  kind?: string
  entries: DecodedEntryView[]
  /** Why the bytes could not be read: cut by the hook, not bytes, or malformed. */
  error?: string
}

/** loro-extended peer ids are u64 numbers written in decimal. */
const PEER_ID = /^\d{1,20}$/

/** The peer a key belongs to, if it names one. */
export function peerOfKey(key: string, isKnownPeer?: (id: string) => boolean): string | undefined {
  return isKnownPeer?.(key) || PEER_ID.test(key) ? key : undefined
}

/** The bytes of a `bytes` summary, or why there are none. */
export function payloadBytes(data: WireValue): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const summary = readSummary(data)
  if (summary?.kind !== "bytes") return { ok: false, error: "not a byte array" }
  const hex = field(summary, "hex")
  if (typeof hex !== "string") return { ok: false, error: "no bytes in the summary" }
  const length = numberField(summary, "length")
  if (field(summary, "truncated") === true || (length !== undefined && length * 2 !== hex.length)) {
    return { ok: false, error: `the hook sent ${hex.length / 2} of ${length ?? "?"} bytes` }
  }
  const bytes = hexToBytes(hex)
  return bytes ? { ok: true, bytes } : { ok: false, error: "malformed hex" }
}

export function decodePayload(payload: EphemeralPayload, isKnownPeer?: (id: string) => boolean): DecodedPayload {
  const read = payloadBytes(payload.data)
  if (!read.ok) return { payload, entries: [], error: read.error }
  if (payload.format === "cbor") return decodeCborPayload(payload, read.bytes)
  const decoded = tryDecodeEphemeralStore(read.bytes)
  if (!decoded.ok) return { payload, bytes: read.bytes, entries: [], error: decoded.error }
  const entries = decoded.entries.map((entry): DecodedEntryView => {
    const peer = peerOfKey(entry.key, isKnownPeer)
    return {
      key: entry.key,
      ...(peer === undefined ? {} : { peer }),
      // serialize() turns bigints and binary values into the summaries the value tree shows.
      ...(entry.deleted ? {} : { value: serialize(entry.value) }),
      deleted: entry.deleted,
      timestamp: entry.timestamp,
      size: entry.size,
    }
  })
  return { payload, bytes: read.bytes, entries }
}

function decodeCborPayload(payload: EphemeralPayload, bytes: Uint8Array): DecodedPayload {
  const decoded = decodeCbor(bytes)
  if (!decoded.ok) return { payload, bytes, entries: [], error: decoded.error }
  const read = readCborPayload(decoded.value)
  return {
    payload,
    bytes,
    kind: read.kind,
    entries: read.entries.map(entry => ({
      key: entry.key,
      ...(payload.sender === undefined ? {} : { peer: payload.sender }),
      value: entry.value,
      deleted: false,
    })),
  }
}

/** Every ephemeral payload of a channel message, decoded. */
export function decodeMessage(message: WireValue | undefined, isKnownPeer?: (id: string) => boolean): DecodedPayload[] {
  return ephemeralPayloads(message).map(payload => decodePayload(payload, isKnownPeer))
}

/** One decoded entry for filters and search: its key, value, and the peer it belongs to when the format says. */
export interface RawEntry {
  key: string
  value: DecodedValue | undefined
  /** automerge: the sender; loro: undefined (the key names the peer, when it is one). */
  peer?: string
}

/** The raw decoded entries of every payload a message carries, undecodable ones skipped (for filters and search). */
export function rawEntries(message: WireValue | undefined): RawEntry[] {
  const entries: RawEntry[] = []
  for (const payload of ephemeralPayloads(message)) {
    const read = payloadBytes(payload.data)
    if (!read.ok) continue
    if (payload.format === "cbor") {
      const decoded = decodeCbor(read.bytes)
      if (decoded.ok) entries.push({ key: readCborPayload(decoded.value).kind, value: decoded.value as DecodedValue, peer: payload.sender })
      continue
    }
    const decoded = tryDecodeEphemeralStore(read.bytes)
    if (decoded.ok) entries.push(...decoded.entries.map((entry: DecodedEntry) => ({ key: entry.key, value: entry.value })))
  }
  return entries
}

/** A decoded value as JSON text; bigints and binary become plain text. */
export function valueText(value: DecodedValue | undefined): string {
  return (
    JSON.stringify(value, (_key, item: unknown) =>
      typeof item === "bigint" ? item.toString() : item instanceof Uint8Array ? bytesToHex(item) : item,
    ) ?? "deleted"
  )
}
