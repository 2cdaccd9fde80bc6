/**
 * Reading an EphemeralStore's entries with their writer timestamps and
 * tombstones, which `getAllStates()` hides: the hook encodes the keys and
 * decodes the bytes. Decoding happens when the event is observed (the store
 * changes afterwards); the decoded copies are serialised at flush time.
 */
import { assertNever, type StoreEntry, type StoreSnapshot } from "../../../protocol/messages"
import { decodeEphemeralStore, type DecodedEntry } from "../../codec/ephemeral-codec"
import { serialize } from "../../serialize"
import { isEphemeralStore, type EphemeralStoreLike } from "./repo-shape"

/** An entry read now, turned into a StoreEntry later. */
export type PendingEntry =
  | { kind: "decoded"; entry: DecodedEntry }
  /** The key is not in the store any more (expired, never written). */
  | { kind: "absent"; key: string }
  /** The bytes did not decode: the plain value, without timestamp. */
  | { kind: "fallback"; key: string; value: unknown }

/** Reads each key's encoded entry now. */
export function readEntries(store: EphemeralStoreLike, keys: readonly string[]): PendingEntry[] {
  const pending: PendingEntry[] = []
  for (const key of keys) {
    try {
      const decoded = decodeEphemeralStore(store.encode(key)).find(entry => entry.key === key)
      pending.push(decoded ? { kind: "decoded", entry: decoded } : { kind: "absent", key })
    } catch {
      pending.push({ kind: "fallback", key, value: store.get(key) })
    }
  }
  return pending
}

export function toStoreEntry(pending: PendingEntry): StoreEntry {
  switch (pending.kind) {
    case "decoded": {
      const { key, value, deleted, timestamp, size } = pending.entry
      return { key, ...(deleted ? {} : { value: serialize(value) }), deleted, timestamp, size }
    }
    case "absent":
      return { key: pending.key, deleted: true }
    case "fallback":
      return pending.value === undefined
        ? { key: pending.key, deleted: true }
        : { key: pending.key, value: serialize(pending.value), deleted: false }
    default:
      return assertNever(pending)
  }
}

/** All entries of every store, tombstones included, as they are now. */
export function snapshotStores(stores: Map<unknown, unknown>): StoreSnapshot[] {
  const result: StoreSnapshot[] = []
  for (const [docId, namespaces] of stores) {
    if (!(namespaces instanceof Map)) continue
    for (const [namespace, store] of namespaces) {
      if (!isEphemeralStore(store)) continue
      result.push({ docId: String(docId), namespace: String(namespace), entries: snapshotStore(store) })
    }
  }
  return result
}

function snapshotStore(store: EphemeralStoreLike): StoreEntry[] {
  try {
    return decodeEphemeralStore(store.encodeAll()).map(entry => toStoreEntry({ kind: "decoded", entry }))
  } catch {
    const states = store as unknown as { getAllStates?: () => unknown }
    const all = typeof states.getAllStates === "function" ? states.getAllStates() : undefined
    if (typeof all !== "object" || all === null) return []
    return Object.entries(all).map(([key, value]) => toStoreEntry({ kind: "fallback", key, value }))
  }
}
