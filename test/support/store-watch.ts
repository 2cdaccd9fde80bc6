/**
 * Feeds a panel-side store replica from real repos, as the page hook will:
 * each store's `set`/`delete` (then the key encoded), `touch` (then all
 * encoded), `apply` (its input) and the timer's `removeOutdated`, wrapped on
 * the store instance; a store that exists when watching starts begins from
 * one full encode. After every call the replica is compared with the store
 * itself, entry by entry, timestamps included, and so is a stock loro store
 * fed the same bytes with `apply()` (which must differ: it is what receivers
 * hold, not what the writer holds).
 */
import type { Repo } from "@loro-extended/repo"
import { EphemeralStore } from "loro-crdt"
import { decodeEphemeralStore, type DecodedEntry } from "../../codec/loro-ephemeral/ephemeral-codec"
import {
  applyExpiry,
  applyImport,
  applyLocal,
  emptyReplica,
  liveEntries,
  replicaFromSnapshot,
  sentEntries,
  type ReplicaStep,
  type StoreReplica,
} from "../../codec/loro-ephemeral/store-replica"
import { canonicalJson } from "../e2e/support/canonical-json"

interface WatchedStore {
  encode(key: string): Uint8Array
  encodeAll(): Uint8Array
  getAllStates(): Record<string, unknown>
  inner: object
  timeout?: number
}

export class StormTally {
  /** Store checks made (one after every call that may change a store). */
  checks = 0
  /** Entries compared in them. */
  entries = 0
  mismatches: string[] = []
  /** Checks in which the stock store differed from the page's store. */
  stockMismatches = 0
  readonly calls = { local: 0, touch: 0, import: 0, expiry: 0 }
  /** Entries the replica dropped or removed because they had expired. */
  expired = 0
  /** Stores watched from one full encode (they existed when watching began), and created later. */
  snapshots = 0
  created = 0
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
const fields = (entry: DecodedEntry) => ({ key: entry.key, deleted: entry.deleted, timestamp: entry.timestamp, value: entry.value ?? null })

/** Calls `then` after every call of `target[name]`, on the instance (never a prototype). */
function after(target: object, name: string, then: (args: unknown[]) => void): void {
  const original = (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown
  ;(target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args)
    then(args)
    return result
  }
}

class Watch {
  replica: StoreReplica
  readonly stock: EphemeralStore

  constructor(
    readonly label: string,
    readonly store: WatchedStore,
    readonly tally: StormTally,
    snapshot: boolean,
  ) {
    const timeout = store.timeout ?? 30_000
    this.stock = new EphemeralStore(timeout)
    if (snapshot) {
      const all = store.encodeAll()
      this.replica = replicaFromSnapshot(all, timeout)
      this.stock.inner.apply(all)
      tally.snapshots++
    } else {
      this.replica = emptyReplica(timeout)
      tally.created++
    }
    const local = (bytes: Uint8Array, kind: "local" | "touch") => {
      tally.calls[kind]++
      this.step(applyLocal(this.replica, bytes), bytes, kind)
    }
    after(store, "set", args => local(store.encode(String(args[0])), "local"))
    after(store, "delete", args => local(store.encode(String(args[0])), "local"))
    if (typeof (store as { touch?: unknown }).touch === "function") after(store, "touch", () => local(store.encodeAll(), "touch"))
    after(store, "apply", args => {
      tally.calls.import++
      const bytes = args[0] as Uint8Array
      const step = applyImport(this.replica, bytes, Date.now())
      tally.expired += decodeEphemeralStore(bytes).filter(e => Date.now() - e.timestamp > timeout).length
      this.step(step, bytes, "import")
    })
    after(store.inner, "removeOutdated", () => {
      tally.calls.expiry++
      const step = applyExpiry(this.replica, Date.now())
      tally.expired += this.replica.entries.size - step.replica.entries.size
      this.step(step, undefined, "expiry")
    })
  }

  step(step: ReplicaStep, bytes: Uint8Array | undefined, what: string): void {
    this.replica = step.replica
    if (bytes) this.stock.inner.apply(bytes)
    else this.stock.inner.removeOutdated()
    this.check(what)
  }

  check(what: string): void {
    const { tally, store } = this
    const now = Date.now()
    const sent = sentEntries(this.replica, now)
    const expected = canonicalJson(sent.map(fields))
    const actual = canonicalJson(decodeEphemeralStore(store.encodeAll()).map(fields).sort(byKey))
    const expectedStates = canonicalJson(Object.fromEntries(liveEntries(this.replica).map(e => [e.key, e.value])))
    const actualStates = canonicalJson(store.getAllStates())
    tally.checks++
    tally.entries += sent.length
    if (expected !== actual || expectedStates !== actualStates) {
      tally.mismatches.push(
        `${this.label} after ${what} at ${now}:\n  replica ${expected} ${expectedStates}\n  store   ${actual} ${actualStates}`,
      )
    }
    if (canonicalJson(decodeEphemeralStore(this.stock.encodeAll()).map(fields).sort(byKey)) !== actual) tally.stockMismatches++
  }
}

/** Watches every store of `repo`, now and later; returns the check of them all. */
export function watchRepo(label: string, repo: Repo, tally: StormTally): () => void {
  const watches: Watch[] = []
  const stores = repo.synchronizer.docNamespacedStores as unknown as Map<string, Map<string, WatchedStore>>
  const watchNamespaces = (docId: string, byNamespace: Map<string, WatchedStore>, snapshot: boolean) => {
    for (const [namespace, store] of byNamespace) watches.push(new Watch(`${label} ${docId}/${namespace}`, store, tally, snapshot))
    after(byNamespace, "set", args => {
      const store = byNamespace.get(String(args[0]))!
      watches.push(new Watch(`${label} ${docId}/${String(args[0])}`, store, tally, false))
    })
  }
  for (const [docId, byNamespace] of stores) watchNamespaces(docId, byNamespace, true)
  after(stores, "set", args => watchNamespaces(String(args[0]), stores.get(String(args[0]))!, false))
  return () => {
    for (const watch of watches) watch.check("the storm")
  }
}
