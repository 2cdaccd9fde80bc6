/**
 * A decoded EphemeralStore entry as the panel shows it: the value serialised
 * the way every other page value is, or summarised when its encoding is
 * beyond MAX_STORE_VALUE_BYTES. The hook uses it for store snapshots and for
 * oversized entries, the panel for the entries the hook ships still encoded.
 */
import type { StoreEntry, WireValue } from "../../protocol/messages"
import { MAX_STORE_VALUE_BYTES, oversizedSummary } from "../serialize/oversized"
import { serialize } from "../serialize/serialize"
import type { DecodedEntry } from "./ephemeral-codec"

export function toStoreEntry({ key, value, deleted, timestamp, size }: DecodedEntry): StoreEntry {
  return { key, ...(deleted ? {} : { value: shown(value, size) }), deleted, timestamp, size }
}

function shown(value: unknown, size: number): WireValue {
  return size > MAX_STORE_VALUE_BYTES ? (oversizedSummary(value, size) as WireValue) : serialize(value)
}
