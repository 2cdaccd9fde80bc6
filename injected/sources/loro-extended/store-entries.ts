/**
 * A full read of every EphemeralStore, with writer timestamps and
 * tombstones, which `getAllStates()` hides: what repo/registered and
 * snapshots carry, and where the panel's store replicas start.
 */
import type { StoreEntry, StoreSnapshot } from "../../../protocol/messages"
import { decodeEphemeralStore } from "../../../codec/loro-ephemeral/ephemeral-codec"
import { toStoreEntry } from "../../../codec/loro-ephemeral/store-entry"
import { serialize } from "../../../codec/serialize/serialize"
import { isEphemeralStore, type EphemeralStoreLike } from "./repo-shape"

/** Every key's value as getAllStates() shows it, without timestamps: for a store that does not encode. */
function plainValues(store: EphemeralStoreLike): Array<{ key: string; value: unknown }> {
  const all = allStates(store)
  return all ? Object.entries(all).map(([key, value]) => ({ key, value })) : []
}

function allStates(store: EphemeralStoreLike): object | undefined {
  const states = store as unknown as { getAllStates?: () => unknown }
  const all = typeof states.getAllStates === "function" ? states.getAllStates() : undefined
  return typeof all === "object" && all !== null ? all : undefined
}

function fallbackEntry(key: string, value: unknown): StoreEntry {
  return value === undefined ? { key, deleted: true } : { key, value: serialize(value), deleted: false }
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
    return decodeEphemeralStore(store.encodeAll()).map(toStoreEntry)
  } catch {
    return plainValues(store).map(({ key, value }) => fallbackEntry(key, value))
  }
}
