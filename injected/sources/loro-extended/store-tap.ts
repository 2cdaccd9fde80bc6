/**
 * Every EphemeralStore in `synchronizer.docNamespacedStores`, now and later:
 * the existing ones are subscribed at registration, new ones when
 * `getOrCreateNamespacedStore` or `registerExternalStore` hands them out.
 * Each store event carries the changed keys' entries, read at event time.
 *
 * Stores are known from registration on, but subscribed only while a panel
 * listens: loro calls into JavaScript for every subscriber on every change,
 * a cost an idle hook must not put on the app.
 */
import { wrapFunction, type WrappedFunction } from "./function-wrap"
import { isEphemeralStore, namespacedStores, read, type EphemeralStoreLike, type SynchronizerLike } from "./repo-shape"
import { readEntries, toStoreEntry } from "./store-entries"
import type { RepoSink, TapBoard, Teardown } from "./tap-board"

const TAP = "stores"

export function installStoreTap(sync: SynchronizerLike, board: TapBoard, sink: RepoSink): Teardown | string {
  const stores = namespacedStores(sync)
  if (!stores.ok) return stores.reason

  let active = true
  /** Every store we know, by store: where it lives. */
  const known = new Map<EphemeralStoreLike, { docId: string; namespace: string }>()
  const subscriptions = new Map<EphemeralStoreLike, () => void>()

  const onStoreEvent = (docId: string, namespace: string, store: EphemeralStoreLike, event: unknown) => {
    if (!active) return
    try {
      board.counts[TAP]++
      if (!sink.listening) return
      board.guard(TAP, () => {
        const by = read(event, "by")
        const keys = [...keysOf(event, "added"), ...keysOf(event, "updated"), ...keysOf(event, "removed")]
        const pending = readEntries(store, keys)
        sink.event(base => ({
          ...base,
          kind: "store",
          docId,
          namespace,
          by: typeof by === "string" ? by : "unknown",
          entries: pending.map(toStoreEntry),
        }))
      })
    } catch (error) {
      board.fail(TAP, error)
    }
  }

  const subscribe = (store: EphemeralStoreLike, { docId, namespace }: { docId: string; namespace: string }) => {
    if (subscriptions.has(store)) return
    const unsubscribe = store.subscribe(event => onStoreEvent(docId, namespace, store, event))
    subscriptions.set(store, typeof unsubscribe === "function" ? unsubscribe : () => {})
  }
  const unsubscribeAll = () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe()
    subscriptions.clear()
  }

  /** Learns a store (subscribing at once while a panel listens); true when it is new to us. */
  const watch = (docId: unknown, namespace: unknown, store: unknown): boolean => {
    if (!isEphemeralStore(store) || known.has(store)) return false
    const where = { docId: String(docId), namespace: String(namespace) }
    known.set(store, where)
    if (sink.listening) subscribe(store, where)
    return true
  }

  const announce = (docId: unknown, namespace: unknown, store: unknown) => {
    board.guard(TAP, () => {
      if (!watch(docId, namespace, store) || !sink.listening) return
      const doc = String(docId)
      const ns = String(namespace)
      sink.event(base => ({ ...base, kind: "store-created", docId: doc, namespace: ns }))
    })
  }

  const stopFollowing = sink.onListeningChange(listening =>
    board.guard(TAP, () => {
      if (!listening) return unsubscribeAll()
      for (const [store, where] of known) subscribe(store, where)
    }),
  )
  const wrappers: WrappedFunction[] = []
  const teardown = () => {
    active = false
    stopFollowing()
    for (const wrapped of wrappers) wrapped.restore()
    unsubscribeAll()
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

  const created = wrapFunction(sync, "getOrCreateNamespacedStore", original =>
    function tappedGetOrCreateNamespacedStore(this: unknown, ...args: unknown[]) {
      const store = original.apply(this, args)
      if (active) announce(args[0], args[1], store)
      return store
    },
  )
  if (typeof created !== "string") wrappers.push(created)
  const registered = wrapFunction(sync, "registerExternalStore", original =>
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

function keysOf(event: unknown, field: string): string[] {
  const keys = read(event, field)
  return Array.isArray(keys) ? keys.map(String) : []
}
