/**
 * Every EphemeralStore in `synchronizer.docNamespacedStores`, now and later:
 * the existing ones are known at registration, new ones when
 * `getOrCreateNamespacedStore` or `registerExternalStore` hands them out.
 * Each store event carries the changed keys' entries as the store holds them
 * right after the change.
 *
 * Stores are known from registration on, but instrumented only while a panel
 * listens (see store-instrument.ts for why we wrap rather than subscribe).
 */
import { wrapFunction, type WrappedFunction } from "./function-wrap"
import { isEphemeralStore, namespacedStores, type EphemeralStoreLike, type SynchronizerLike } from "./repo-shape"
import { ReportedEntries } from "./store-entries"
import { instrumentStore, type StoreChange } from "./store-instrument"
import type { RepoSink, TapBoard, Teardown } from "./tap-board"

const TAP = "stores"

export function installStoreTap(sync: SynchronizerLike, board: TapBoard, sink: RepoSink): Teardown | string {
  const stores = namespacedStores(sync)
  if (!stores.ok) return stores.reason

  let active = true
  /** Every store we know, by store: where it lives. */
  const known = new Map<EphemeralStoreLike, { docId: string; namespace: string }>()
  /** The stores instrumented while a panel listens, with their restore. */
  const instrumented = new Map<EphemeralStoreLike, () => void>()

  const onStoreChange = (docId: string, namespace: string, reported: ReportedEntries, change: StoreChange) => {
    if (!active) return
    board.counts[TAP]++
    if (!sink.listening) return
    board.guard(TAP, () => {
      const entries = change.by === "timeout" ? reported.removed(change.removed) : reported.changes(change.reading)
      if (entries.length === 0) return
      sink.event("store", { docId, namespace, by: change.by, entries })
    })
  }

  const instrument = (store: EphemeralStoreLike, { docId, namespace }: { docId: string; namespace: string }) => {
    if (instrumented.has(store)) return
    const reported = new ReportedEntries()
    const restore = instrumentStore(
      store,
      change => onStoreChange(docId, namespace, reported, change),
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
