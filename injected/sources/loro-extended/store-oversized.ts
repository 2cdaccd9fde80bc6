/**
 * A store call's bytes as the hook ships them. Bytes within the size cap go
 * as they are (the panel decodes them). Beyond it, the few entries over the
 * cap are decoded here and summarised (serialize/oversized.ts), and the
 * bytes are re-encoded with those values null: the panel's replica still
 * gets every key, timestamp and tombstone to apply the store's rules, and
 * shows the summaries with their real sizes.
 */
import type { StoreChangeEntry } from "../../../codec/event-tape/event-writer"
import { bytesToHex } from "../../../codec/hex"
import { decodeEphemeralStore } from "../../../codec/loro-ephemeral/ephemeral-codec"
import { encodeEphemeralEntries, type EncodableEntry, type EncodableValue } from "../../../codec/loro-ephemeral/ephemeral-encoder"
import { toStoreEntry } from "../../../codec/loro-ephemeral/store-entry"
import { MAX_STORE_VALUE_BYTES } from "../../../codec/serialize/oversized"

const NONE: readonly StoreChangeEntry[] = []

export function shippedBytes(bytes: Uint8Array): { hex: string; oversized: readonly StoreChangeEntry[] } {
  if (bytes.length <= MAX_STORE_VALUE_BYTES) return { hex: bytesToHex(bytes), oversized: NONE }
  const entries = decodeEphemeralStore(bytes)
  const large = entries.filter(entry => entry.size > MAX_STORE_VALUE_BYTES && !entry.deleted)
  if (large.length === 0) return { hex: bytesToHex(bytes), oversized: NONE }
  const kept: EncodableEntry[] = entries.map(({ key, timestamp, deleted, value, size }) =>
    deleted
      ? { key, timestamp, deleted: true }
      : { key, timestamp, value: size > MAX_STORE_VALUE_BYTES ? null : (value as EncodableValue) },
  )
  return {
    hex: bytesToHex(encodeEphemeralEntries(kept)),
    oversized: large.map(entry => ({ ...toStoreEntry(entry), summarised: true })),
  }
}
