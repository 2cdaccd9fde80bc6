/**
 * Every EphemeralStore in `synchronizer.docNamespacedStores`, now and later:
 * the existing ones are known at registration, new ones when
 * `getOrCreateNamespacedStore` or `registerExternalStore` hands them out.
 * Each call that may change a store is written as a store-op with the bytes
 * it had (store-instrument.ts); the panel's replicas start from the full
 * encode in repo/registered, and a store created later from empty plus one
 * full encode if it came with entries.
 *
 * Stores are known from registration on, but instrumented only while a panel
 * listens (see store-instrument.ts for why we wrap rather than subscribe).
 */
import { REPO_STORE_TIMEOUT } from "../../../codec/loro-ephemeral/store-replica"
import { wrapFunction, type WrappedFunction } from "../shared/function-wrap"
import { isEphemeralStore, namespacedStores, read, type EphemeralStoreLike, type SynchronizerLike } from "./repo-shape"
import { instrumentStore, type StoreOp } from "./store-instrument"
import { shippedBytes } from "./store-oversized"
import type { RepoSink, TapBoard, Teardown } from "../shared/tap-board"
import type { LoroExtendedTapName } from "../../../protocol/messages"

const TAP = "stores"

export function installStoreTap(sync: SynchronizerLike, board: TapBoard<LoroExtendedTapName>, sink: RepoSink): Teardown | string {
  const stores = namespacedStores(sync)
  if (!stores.ok) return stores.reason

  let active = true
  /** Every store we know, by store: where it lives. */
  const known = new Map<EphemeralStoreLike, { docId: string; namespace: string }>()
  /** The stores instrumented while a panel listens, with their restore. */
  const instrumented = new Map<EphemeralStoreLike, () => void>()

  const write = (docId: string, namespace: string, store: EphemeralStoreLike, change: StoreOp) => {
    const timeout = read(store, "timeout")
    const shipped = change.op === "expire" ? { hex: "", oversized: [] } : shippedBytes(change.bytes)
    sink.event("store-op", {
      docId,
      namespace,
      op: change.op,
      bytes: shipped.hex,
      removed: change.op === "expire" ? change.removed : null,
      timeout: typeof timeout === "number" ? timeout : REPO_STORE_TIMEOUT,
      oversized: shipped.oversized,
    })
  }

  const onStoreOp = (docId: string, namespace: string, store: EphemeralStoreLike, change: StoreOp) => {
    if (!active) return
    board.counts[TAP]++
    if (!sink.listening) return
    board.guard(TAP, () => write(docId, namespace, store, change))
  }

  const instrument = (store: EphemeralStoreLike, { docId, namespace }: { docId: string; namespace: string }) => {
    if (instrumented.has(store)) return
    const restore = instrumentStore(
      store,
      change => onStoreOp(docId, namespace, store, change),
      error => board.fail(TAP, error),
    )
    instrumented.set(store, restore)
  }
  const restoreAll = () => {
    for (const restore of instrumented.values()) restore()
    instrumented.clear()
  }

  /** Learns a store (subscribing at once while a panel listens); true when it is new to us. */
  const watch = (docId: unknown, namespace: unknown, store: unknown): boolean => {
    if (!isEphemeralStore(store) || known.has(store)) return false
    const where = { docId: String(docId), namespace: String(namespace) }
    known.set(store, where)
    if (sink.listening) instrument(store, where)
    return true
  }

  const announce = (docId: unknown, namespace: unknown, store: unknown) => {
    board.guard(TAP, () => {
      if (!watch(docId, namespace, store) || !sink.listening) return
      sink.event("store-created", { docId: String(docId), namespace: String(namespace) })
      // A store registered with entries already in it: the replica starts empty, so one full encode follows.
      const all = (store as EphemeralStoreLike).encodeAll()
      if (all.length > 1) write(String(docId), String(namespace), store as EphemeralStoreLike, { op: "local", bytes: all })
    })
  }

  const stopFollowing = sink.onListeningChange(listening =>
    board.guard(TAP, () => {
      if (!listening) return restoreAll()
      for (const [store, where] of known) instrument(store, where)
    }),
  )
  const wrappers: WrappedFunction[] = []
  const teardown = () => {
    active = false
    stopFollowing()
    for (const wrapped of wrappers) wrapped.restore()
    restoreAll()
    known.clear()
  }

  try {
    for (const [docId, namespaces] of stores.value) {
      if (!(namespaces instanceof Map)) continue
      for (const [namespace, store] of namespaces) watch(docId, namespace, store)
    }
  } catch (error) {
    teardown()
    throw error
  }

  const created = wrapFunction(
    sync,
    "getOrCreateNamespacedStore",
    original =>
      function tappedGetOrCreateNamespacedStore(this: unknown, ...args: unknown[]) {
        const store = original.apply(this, args)
        if (active) announce(args[0], args[1], store)
        return store
      },
  )
  if (typeof created !== "string") wrappers.push(created)
  const registered = wrapFunction(
    sync,
    "registerExternalStore",
    original =>
      function tappedRegisterExternalStore(this: unknown, ...args: unknown[]) {
        const result = original.apply(this, args)
        const byNamespace = stores.value.get(args[0])
        if (active) announce(args[0], args[1], byNamespace instanceof Map ? byNamespace.get(args[1]) : undefined)
        return result
      },
  )
  if (typeof registered !== "string") wrappers.push(registered)
  return teardown
}
