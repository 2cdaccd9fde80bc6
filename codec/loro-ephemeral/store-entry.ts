/**
 * A decoded EphemeralStore entry as the panel shows it: the value serialised
 * the way every other page value is. The hook uses it for store snapshots,
 * the panel for the entries the hook ships still encoded.
 */
import type { StoreEntry } from "../../protocol/messages"
import { serialize } from "../serialize/serialize"
import type { DecodedEntry } from "./ephemeral-codec"

export function toStoreEntry({ key, value, deleted, timestamp, size }: DecodedEntry): StoreEntry {
  return { key, ...(deleted ? {} : { value: serialize(value) }), deleted, timestamp, size }
}
