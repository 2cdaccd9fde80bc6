/**
 * Reading an EphemeralStore's entries with their writer timestamps and
 * tombstones, which `getAllStates()` hides: the hook encodes the keys right
 * after a change and ships each entry's bytes as they are; the panel decodes
 * them (codec/event-tape/reader.ts), so the page does not.
 */
import type { StoreEntry, StoreSnapshot } from "../../../protocol/messages"
import { decodeEphemeralSpans, decodeEphemeralStore } from "../../../codec/loro-ephemeral/ephemeral-codec"
import { toStoreEntry } from "../../../codec/loro-ephemeral/store-entry"
import type { StoreChangeEntry } from "../../../codec/event-tape/event-writer"
import { serialize } from "../../../codec/serialize/serialize"
import { isEphemeralStore, type EphemeralStoreLike } from "./repo-shape"

/** Above this many keys one encodeAll() is cheaper than an encode(key) each. */
const ENCODE_ALL_ABOVE_KEYS = 8

/** What a store held for some keys right after a change, still encoded. */
export interface StoreReading {
  /** "all": every key the store had (after touch()). */
  keys: readonly string[] | "all"
  /** encode(key) per key, or one encodeAll(); entries for other keys are ignored. */
  chunks: Uint8Array[]
  /** Set when encoding failed: the plain values, without timestamps. */
  fallback?: Array<{ key: string; value: unknown }>
}

/** Reads `keys` now ("all" = every key the store has, as after touch()). */
export function readKeys(store: EphemeralStoreLike, keys: readonly string[] | "all"): StoreReading {
  try {
    const chunks = keys === "all" || keys.length > ENCODE_ALL_ABOVE_KEYS ? [store.encodeAll()] : keys.map(key => store.encode(key))
    return { keys, chunks }
  } catch {
    return { keys, chunks: [], fallback: plainValues(store, keys) }
  }
}

/**
 * Each store's entries as last reported, so that a call which changed
 * nothing (a stale frame the store refused, a repeated set) reports nothing,
 * as loro's own change events would. Equal encoded bytes are an equal entry.
 */
export class ReportedEntries {
  readonly #last = new Map<string, Uint8Array | null>()

  /** The entries of `reading` that differ from what was last reported, as the store's bytes for each. */
  changes(reading: StoreReading): StoreChangeEntry[] {
    if (reading.fallback)
      return reading.fallback.map(({ key, value }) => (value === undefined ? { key, deleted: true } : { key, value, deleted: false }))
    const entries: StoreChangeEntry[] = []
    const { keys, chunks } = reading
    if (keys !== "all" && chunks.length === keys.length) {
      // One encode(key) per key: [1, ...the entry] or, for a key the store lacks, [0].
      for (let index = 0; index < keys.length; index++) {
        const chunk = chunks[index]!
        if (chunk.length > 1 && chunk[0] === 1) this.#compare(keys[index]!, chunk.subarray(1), entries)
        else this.#split([chunk], [keys[index]!], entries)
      }
      return entries
    }
    this.#split(chunks, keys, entries)
    return entries
  }

  /** Entries out of encoded chunks (encodeAll, or anything unexpected), for `keys`. */
  #split(chunks: readonly Uint8Array[], keys: readonly string[] | "all", entries: StoreChangeEntry[]): void {
    const wanted = keys === "all" ? undefined : new Set(keys)
    for (const chunk of chunks) {
      for (const span of decodeEphemeralSpans(chunk)) {
        if (wanted && !wanted.delete(span.key)) continue
        this.#compare(span.key, span.raw, entries)
      }
    }
    // Keys the store no longer has: a removal, unless it was never reported.
    for (const key of wanted ?? []) {
      if (!this.#last.get(key)) continue
      this.#last.set(key, null)
      entries.push({ key, deleted: true })
    }
  }

  #compare(key: string, encoded: Uint8Array, entries: StoreChangeEntry[]): void {
    if (sameBytes(this.#last.get(key), encoded)) return
    this.#last.set(key, encoded)
    entries.push({ key, encoded })
  }

  /** Keys a timeout removed: reported whatever was known of them. */
  removed(keys: readonly string[]): StoreChangeEntry[] {
    for (const key of keys) this.#last.set(key, null)
    return keys.map(key => ({ key, deleted: true }))
  }
}

function plainValues(store: EphemeralStoreLike, keys: readonly string[] | "all"): Array<{ key: string; value: unknown }> {
  if (keys !== "all") return keys.map(key => ({ key, value: store.get(key) }))
  const all = allStates(store)
  return all ? Object.entries(all).map(([key, value]) => ({ key, value })) : []
}

function allStates(store: EphemeralStoreLike): object | undefined {
  const states = store as unknown as { getAllStates?: () => unknown }
  const all = typeof states.getAllStates === "function" ? states.getAllStates() : undefined
  return typeof all === "object" && all !== null ? all : undefined
}

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
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
    return plainValues(store, "all").map(({ key, value }) => fallbackEntry(key, value))
  }
}
