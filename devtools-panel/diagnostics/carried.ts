/**
 * The ephemeral payloads of a channel message as detectors read them: the
 * entry count straight from the encoding (counting traffic decodes
 * nothing), the entries decoded only when a detector asks, once.
 */
import type { WireValue } from "../../protocol/messages"
import { tryDecodeEphemeralStore, type DecodedEntry } from "../../injected/codec/ephemeral-codec"
import { serialize } from "../../injected/serialize"
import { ephemeralPayloads, type EphemeralPayload } from "../log/channel-message"
import { payloadBytes } from "../log/ephemeral-decode"
import { entryCount } from "../log/frame-counts"
import type { CarriedEntry, CarriedPayload } from "./input"

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
    this.count = entryCount(payload.data)
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
