/**
 * The ephemeral payloads of a channel message as detectors read them: the
 * entry count straight from the encoding (counting traffic decodes
 * nothing), keys and stamps scanned when a detector asks, values decoded
 * only when one compares them (a tie).
 */
import type { WireValue } from "../../protocol/messages"
import { scanEphemeralKeys, tryDecodeEphemeralStore, type ScannedEntry } from "../../codec/loro-ephemeral/ephemeral-codec"
import { serialize } from "../../codec/serialize/serialize"
import { ephemeralPayloads, type EphemeralPayload } from "../wire/channel-message"
import { payloadBytes } from "../wire/ephemeral-decode"
import { entryCount } from "../wire/frame-counts"
import type { CarriedEntry, CarriedPayload } from "./input"

class LazyPayload implements CarriedPayload {
  readonly docId?: string
  readonly namespace: string
  readonly sender?: string
  readonly hops?: number
  readonly count: number
  readonly #data: WireValue
  #bytes: Uint8Array | undefined
  #entries: readonly CarriedEntry[] | undefined
  #values: Array<WireValue | undefined> | undefined

  constructor(payload: EphemeralPayload) {
    if (payload.docId !== undefined) this.docId = payload.docId
    this.namespace = payload.namespace
    if (payload.sender !== undefined) this.sender = payload.sender
    if (payload.hopsRemaining !== undefined) this.hops = payload.hopsRemaining
    this.#data = payload.data
    this.count = entryCount(payload.data)
  }

  /** Keys and stamps, values skipped: every inbound frame is read this far. */
  entries(): readonly CarriedEntry[] {
    if (this.#entries) return this.#entries
    const read = payloadBytes(this.#data)
    let scanned: ScannedEntry[] = []
    if (read.ok) {
      try {
        scanned = scanEphemeralKeys(read.bytes)
        this.#bytes = read.bytes
      } catch {
        // Unreadable bytes carry nothing the detectors can judge.
      }
    }
    this.#entries = scanned.map((entry, index) => ({
      key: entry.key,
      timestamp: entry.timestamp,
      deleted: entry.deleted,
      value: () => this.#value(index),
    }))
    return this.#entries
  }

  /** A value, decoded (with every other of the payload) only when a detector compares one. */
  #value(index: number): WireValue | undefined {
    if (!this.#values) {
      const decoded = this.#bytes ? tryDecodeEphemeralStore(this.#bytes) : undefined
      // serialize() gives bigints and binary the summaries the panel shows elsewhere.
      this.#values = decoded?.ok ? decoded.entries.map(entry => (entry.deleted ? undefined : serialize(entry.value))) : []
    }
    return this.#values[index]
  }
}

/** Every ephemeral payload a channel message carries (batches unpacked), read lazily. */
export function carriedPayloads(message: WireValue | undefined): CarriedPayload[] {
  return ephemeralPayloads(message).map(payload => new LazyPayload(payload))
}
