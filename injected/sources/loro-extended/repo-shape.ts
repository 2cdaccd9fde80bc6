/**
 * Feature detection for @loro-extended/repo 5.x and 6.x. The hook never
 * bundles the library, so everything it touches is read from the live
 * objects as `unknown` and narrowed here, one property at a time.
 */

import type { AnyFunction } from "../shared/function-wrap"
import { type Found, isObject, read } from "../shared/read"

export type { AnyFunction } from "../shared/function-wrap"
export { type Found, isObject, messageType, read } from "../shared/read"

/** The synchronizer as far as the hook relies on it; every other field is checked where it is used. */
export interface SynchronizerLike {
  updateFn: AnyFunction
  model: object
  adapters?: unknown
  emitter?: unknown
  docNamespacedStores?: unknown
  readyStates?: unknown
  flush?: unknown
  [key: string]: unknown
}

export interface ModelLike {
  identity: unknown
  documents: Map<unknown, unknown>
  channels: Map<unknown, unknown>
  peers: Map<unknown, unknown>
}

export interface EphemeralStoreLike {
  encode(key: string): Uint8Array
  encodeAll(): Uint8Array
  subscribe(listener: (event: unknown) => void): () => void
  get(key: string): unknown
}

/** A Repo-like object: `synchronizer` with a function `updateFn` and an object `model`. */
export function findSynchronizer(repo: unknown): Found<SynchronizerLike> {
  if (!isObject(repo)) return { ok: false, reason: "not an object" }
  const sync = read(repo, "synchronizer")
  if (!isObject(sync)) return { ok: false, reason: "no synchronizer" }
  if (typeof read(sync, "updateFn") !== "function") return { ok: false, reason: "synchronizer has no updateFn" }
  if (!isObject(read(sync, "model"))) return { ok: false, reason: "synchronizer has no model" }
  return { ok: true, value: sync as SynchronizerLike }
}

/** 6.x added `synchronizer.flush()`; 5.x has none. */
export function detectLibraryVersion(sync: SynchronizerLike): string {
  return typeof read(sync, "flush") === "function" ? "6.x" : "5.x"
}

export function asModel(value: unknown): ModelLike | undefined {
  if (!isObject(value)) return undefined
  const { documents, channels, peers } = value
  if (!(documents instanceof Map) || !(channels instanceof Map) || !(peers instanceof Map)) return undefined
  return value as unknown as ModelLike
}

export function isEphemeralStore(value: unknown): value is EphemeralStoreLike {
  return (
    isObject(value) &&
    typeof value.encode === "function" &&
    typeof value.encodeAll === "function" &&
    typeof value.subscribe === "function" &&
    typeof value.get === "function"
  )
}

/** `Map<docId, Map<namespace, store>>`, or why not. */
export function namespacedStores(sync: SynchronizerLike): Found<Map<unknown, unknown>> {
  const stores = read(sync, "docNamespacedStores")
  return stores instanceof Map ? { ok: true, value: stores } : { ok: false, reason: "synchronizer.docNamespacedStores is not a Map" }
}

/** Every adapter's channel directory (iterable of channel objects). */
export function adapterChannelDirectories(sync: SynchronizerLike): Iterable<unknown>[] {
  const list = read(read(sync, "adapters"), "adapters")
  if (!Array.isArray(list)) return []
  const directories: Iterable<unknown>[] = []
  for (const adapter of list) {
    const channels = read(adapter, "channels")
    if (isObject(channels) && typeof (channels as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
      directories.push(channels as unknown as Iterable<unknown>)
    }
  }
  return directories
}
