/**
 * The ephemeral payloads of a channel message as detectors read them: the
 * entry count straight from the encoding's first varint (counting traffic
 * decodes nothing), the entries decoded only when a detector asks, once.
 */
import type { WireValue } from "../../protocol/messages"
import { tryDecodeEphemeralStore, type DecodedEntry } from "../../injected/codec/ephemeral-codec"
import { serialize } from "../../injected/serialize"
import { ephemeralPayloads, flattenBatch, type EphemeralPayload } from "../log/channel-message"
import { payloadBytes } from "../log/ephemeral-decode"
import { field, readSummary } from "../values/summary"
import type { CarriedEntry, CarriedPayload } from "./input"

const NIBBLE = (code: number): number =>
  code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : code >= 65 && code <= 70 ? code - 55 : -1

/** The leading varint of hex-encoded bytes (the entry count of an EphemeralStore encoding); 0 when unreadable. */
export function leadingCount(hex: string): number {
  let value = 0
  let scale = 1
  for (let index = 0; index + 1 < hex.length && index < 10; index += 2) {
    const high = NIBBLE(hex.charCodeAt(index))
    const low = NIBBLE(hex.charCodeAt(index + 1))
    if (high < 0 || low < 0) return 0
    const byte = (high << 4) | low
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) return value
    scale *= 128
  }
  return 0
}

function countOf(data: WireValue): number {
  const summary = readSummary(data)
  const hex = summary ? field(summary, "hex") : undefined
  return typeof hex === "string" ? leadingCount(hex) : 0
}

class LazyEntry implements CarriedEntry {
  readonly key: string
  readonly timestamp: number
  readonly deleted: boolean
  readonly #decoded: DecodedEntry
  #value: WireValue | undefined
  #converted = false

  constructor(decoded: DecodedEntry) {
    this.#decoded = decoded
    this.key = decoded.key
    this.timestamp = decoded.timestamp
    this.deleted = decoded.deleted
  }

  value(): WireValue | undefined {
    if (this.deleted) return undefined
    if (!this.#converted) {
      // serialize() gives bigints and binary the summaries the panel shows elsewhere.
      this.#value = serialize(this.#decoded.value)
      this.#converted = true
    }
    return this.#value
  }
}

class LazyPayload implements CarriedPayload {
  readonly docId?: string
  readonly namespace: string
  readonly sender?: string
  readonly hops?: number
  readonly count: number
  readonly #data: WireValue
  #entries: readonly CarriedEntry[] | undefined

  constructor(payload: EphemeralPayload) {
    if (payload.docId !== undefined) this.docId = payload.docId
    this.namespace = payload.namespace
    if (payload.sender !== undefined) this.sender = payload.sender
    if (payload.hopsRemaining !== undefined) this.hops = payload.hopsRemaining
    this.#data = payload.data
    this.count = countOf(payload.data)
  }

  entries(): readonly CarriedEntry[] {
    if (this.#entries) return this.#entries
    const read = payloadBytes(this.#data)
    const decoded = read.ok ? tryDecodeEphemeralStore(read.bytes) : undefined
    this.#entries = decoded?.ok ? decoded.entries.map(entry => new LazyEntry(entry)) : []
    return this.#entries
  }
}

/** Every ephemeral payload a channel message carries (batches unpacked), read lazily. */
export function carriedPayloads(message: WireValue | undefined): CarriedPayload[] {
  return ephemeralPayloads(message).map(payload => new LazyPayload(payload))
}

/** Channel messages in a frame: a batch counts as the messages inside it. */
export function messagesIn(message: WireValue | undefined): number {
  let count = 0
  for (const inner of flattenBatch(message)) if (inner.type !== "channel/batch") count++
  return count
}
