/**
 * Turns the hook's store-ops into "store" events, for one stream of a
 * page's messages (one tab, one standalone source), read in order.
 *
 * The page does not read its stores back after a change (it cost about an
 * eighth of what the hook added per update): it ships each call with the
 * bytes it already had (StoreOpEvent). Here a replica of every store
 * (store-replica.ts) applies those calls by the store's own rules, and what
 * the replica says changed becomes the store event the rest of the panel
 * has always received: the changed keys' entries, timestamps included, or
 * nothing when the call changed nothing (a stale frame the store refused).
 *
 * Replicas start from the full encode each repo/registered carries (every
 * subscribe re-announces every repo, so a panel that joins late starts
 * right), and a store created later from empty (its content, if it came
 * with any, follows as a local op).
 */
import type { HookEvent, HookToPanelMessage, StoreEntry, StoreSnapshot, TapeEvent } from "../../protocol/messages"
import { hexToBytes } from "../hex"
import { tryDecodeEphemeralStore, type DecodedEntry, type DecodedValue } from "../loro-ephemeral/ephemeral-codec"
import { toStoreEntry } from "../loro-ephemeral/store-entry"
import {
  applyImport,
  applyLocal,
  emptyReplica,
  REPO_STORE_TIMEOUT,
  type ReplicaStep,
  type StoreReplica,
} from "../loro-ephemeral/store-replica"
import { TapeError } from "./token-reader"

type StoreOp = Extract<TapeEvent, { kind: "store-op" }>

export class StoreIntake {
  /** repoId -> "docId\u0000namespace" -> replica. */
  readonly #repos = new Map<string, Map<string, StoreReplica>>()
  /**
   * Store-ops that changed nothing, so far: the page numbers events without
   * gaps, and so do we after dropping them (later ids move down by this).
   */
  #skipped = 0

  /** Follows the messages that start or end a repo's replicas. */
  observe(message: HookToPanelMessage): void {
    if (message.type === "repo/registered") this.#seed(message.repo.repoId, message.stores)
    else if (message.type === "repo/unregistered") this.#repos.delete(message.repoId)
  }

  /** The event as the panel takes it (it may renumber it): a store-op becomes a store event, or nothing when it changed nothing. */
  take(event: TapeEvent): HookEvent | undefined {
    event.id -= this.#skipped
    if (event.kind === "store-created") this.#stores(event.repoId).set(storeKey(event.docId, event.namespace), emptyReplica())
    if (event.kind !== "store-op") return event
    const stores = this.#stores(event.repoId)
    const key = storeKey(event.docId, event.namespace)
    const held = stores.get(key) ?? emptyReplica()
    const replica = Number.isFinite(event.timeout) && event.timeout > 0 ? { ...held, timeout: event.timeout } : held
    const { step, written } = apply(replica, event)
    stores.set(key, step.replica)
    const entries = changedEntries(step, written, event.oversized)
    if (entries.length === 0) {
      this.#skipped++
      return undefined
    }
    const by = event.op === "expire" ? "timeout" : event.op
    return { id: event.id, repoId: event.repoId, t: event.t, kind: "store", docId: event.docId, namespace: event.namespace, by, entries }
  }

  /** Every store's replica of a repo (tests compare them with the page's stores). */
  replicas(repoId: string): ReadonlyMap<string, StoreReplica> {
    return this.#repos.get(repoId) ?? new Map()
  }

  #stores(repoId: string): Map<string, StoreReplica> {
    const held = this.#repos.get(repoId)
    if (held) return held
    const stores = new Map<string, StoreReplica>()
    this.#repos.set(repoId, stores)
    return stores
  }

  #seed(repoId: string, snapshots: readonly StoreSnapshot[]): void {
    const stores = new Map<string, StoreReplica>()
    for (const { docId, namespace, entries } of snapshots) {
      const held = new Map(entries.map(entry => [entry.key, fromSnapshot(entry)]))
      stores.set(storeKey(docId, namespace), { timeout: REPO_STORE_TIMEOUT, entries: held })
    }
    this.#repos.set(repoId, stores)
  }
}

export function storeKey(docId: string, namespace: string): string {
  return `${docId}\u0000${namespace}`
}

/**
 * A snapshot entry as the replica keeps it: the rules need its key,
 * timestamp and whether it is a tombstone; its value is as the snapshot
 * shows it (the value itself for plain data, a summary beyond the size cap).
 */
function fromSnapshot(entry: StoreEntry): DecodedEntry {
  const value = entry.deleted || entry.value === undefined ? {} : { value: entry.value as DecodedValue }
  return { key: entry.key, deleted: entry.deleted, timestamp: entry.timestamp ?? 0, size: entry.size ?? 0, ...value }
}

function apply(replica: StoreReplica, op: StoreOp): { step: ReplicaStep; written: Map<string, DecodedEntry> } {
  if (op.op === "expire") return { step: expire(replica, op), written: new Map() }
  if (op.op !== "local" && op.op !== "import") throw new TapeError(`unknown store op ${JSON.stringify(op.op)}`, 0)
  const bytes = hexToBytes(op.bytes)
  if (!bytes) throw new TapeError("store op bytes are not hex", 0)
  const decoded = tryDecodeEphemeralStore(bytes)
  if (!decoded.ok) throw new TapeError(`store op bytes do not decode: ${decoded.error}`, 0)
  const step = op.op === "local" ? applyLocal(replica, bytes) : applyImport(replica, bytes, op.t)
  return { step, written: new Map(decoded.entries.map(entry => [entry.key, entry])) }
}

/** The keys the store's timer removed (the page names them: its clock, not ours, decided). */
function expire(replica: StoreReplica, op: StoreOp): ReplicaStep {
  const removed = Array.isArray(op.removed) ? op.removed.filter((key): key is string => typeof key === "string") : []
  const entries = new Map(replica.entries)
  const gone: string[] = []
  for (const key of removed) {
    const held = entries.get(key)
    if (!held) continue
    entries.delete(key)
    if (!held.deleted) gone.push(key)
  }
  return { replica: { ...replica, entries }, changes: { added: [], updated: [], removed: gone } }
}

/** The store event's entries: each changed key as written, a removal as a tombstone. */
function changedEntries(step: ReplicaStep, written: ReadonlyMap<string, DecodedEntry>, oversized: readonly StoreEntry[]): StoreEntry[] {
  const { added, updated, removed } = step.changes
  const entries: StoreEntry[] = []
  for (const key of [...added, ...updated, ...removed]) {
    const entry = written.get(key)
    const summarised = entry && oversized.length > 0 ? oversized.find(large => large.key === key) : undefined
    entries.push(summarised ?? (entry ? toStoreEntry(entry) : { key, deleted: true }))
  }
  return entries
}
