/**
 * A replica of one loro EphemeralStore as the page holds it, rebuilt from
 * the bytes the page's store handles, by the store's own rules (loro-crdt
 * 1.17, as @loro-extended/repo 5.4.2 uses it):
 *   - a local write (`set`, `delete`, the repo's `touch`) overwrites whatever
 *     is held, whatever its timestamp;
 *   - an import (`apply`) is last-writer-wins by the sender's timestamp, which
 *     the holder keeps, and a tie loses; an entry already older than the
 *     store's timeout by the holder's clock is dropped;
 *   - expiry (`removeOutdated`) drops every entry, tombstones included, older
 *     than the timeout by the holder's clock.
 * A stock EphemeralStore fed the same bytes with `apply()` would treat local
 * writes as imports too, and diverge from the writer on a same-millisecond
 * tie: exactly what receivers hold, not what the writer holds.
 *
 * Pure and immutable: no DOM, no loro; each step returns a new replica, so
 * the panel's reducer (and time travel) can keep them in its state.
 */
import { decodeEphemeralStore, type DecodedEntry } from "./ephemeral-codec"

export type ReplicaEntry = DecodedEntry

export interface StoreReplica {
  /** Milliseconds after which the page's store forgets an entry. */
  readonly timeout: number
  /** Every entry held, tombstones included, by key. */
  readonly entries: ReadonlyMap<string, ReplicaEntry>
}

/** What a step changed, as loro's own change events would name it. */
export interface ReplicaChanges {
  readonly added: readonly string[]
  readonly updated: readonly string[]
  readonly removed: readonly string[]
}

export interface ReplicaStep {
  readonly replica: StoreReplica
  readonly changes: ReplicaChanges
}

/** The timeout the repo gives its own stores (the largest 32-bit signed int, about 24.8 days). */
export const REPO_STORE_TIMEOUT = 2_147_483_647

export function emptyReplica(timeout = REPO_STORE_TIMEOUT): StoreReplica {
  return { timeout, entries: new Map() }
}

/** The store as a full encode (`encodeAll()`) shows it: where a replica starts. */
export function replicaFromSnapshot(bytes: Uint8Array, timeout = REPO_STORE_TIMEOUT): StoreReplica {
  return { timeout, entries: new Map(decodeEphemeralStore(bytes).map(entry => [entry.key, entry])) }
}

class ChangeList {
  readonly added: string[] = []
  readonly updated: string[] = []
  readonly removed: string[] = []

  /** Records replacing `old` with `next` for `key` (either may be absent or a tombstone). */
  note(key: string, old: ReplicaEntry | undefined, next: ReplicaEntry | undefined): void {
    const was = old !== undefined && !old.deleted
    const is = next !== undefined && !next.deleted
    if (was && is) this.updated.push(key)
    else if (is) this.added.push(key)
    else if (was) this.removed.push(key)
  }
}

/** `set`/`delete`/`touch` as the page encoded the keys right after: written over whatever is held. */
export function applyLocal(replica: StoreReplica, bytes: Uint8Array): ReplicaStep {
  const entries = new Map(replica.entries)
  const changes = new ChangeList()
  for (const entry of decodeEphemeralStore(bytes)) {
    changes.note(entry.key, entries.get(entry.key), entry)
    entries.set(entry.key, entry)
  }
  return { replica: { ...replica, entries }, changes }
}

/** `apply(bytes)` at the page's time `now`: newer entries win, ties and expired ones lose. */
export function applyImport(replica: StoreReplica, bytes: Uint8Array, now: number): ReplicaStep {
  const entries = new Map(replica.entries)
  const changes = new ChangeList()
  for (const entry of decodeEphemeralStore(bytes)) {
    if (expired(entry, now, replica.timeout)) continue
    const held = entries.get(entry.key)
    if (held !== undefined && held.timestamp >= entry.timestamp) continue
    changes.note(entry.key, held, entry)
    entries.set(entry.key, entry)
  }
  return { replica: { ...replica, entries }, changes }
}

/** `removeOutdated()` at the page's time `now`. */
export function applyExpiry(replica: StoreReplica, now: number): ReplicaStep {
  const entries = new Map(replica.entries)
  const changes = new ChangeList()
  for (const [key, entry] of replica.entries) {
    if (!expired(entry, now, replica.timeout)) continue
    changes.note(key, entry, undefined)
    entries.delete(key)
  }
  return { replica: { ...replica, entries }, changes }
}

function expired(entry: ReplicaEntry, now: number, timeout: number): boolean {
  return now - entry.timestamp > timeout
}

/**
 * What the store sends (`encodeAll()`): every entry, tombstones included,
 * not older than the timeout at `now`, in key order.
 */
export function sentEntries(replica: StoreReplica, now: number): ReplicaEntry[] {
  return [...replica.entries.values()].filter(entry => !expired(entry, now, replica.timeout)).sort(byKey)
}

function byKey(a: ReplicaEntry, b: ReplicaEntry): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

/**
 * The entries with a value, in key order: what `getAllStates()` returns,
 * which keeps an expired entry until `removeOutdated()` drops it.
 */
export function liveEntries(replica: StoreReplica): ReplicaEntry[] {
  return [...replica.entries.values()].filter(entry => !entry.deleted).sort(byKey)
}
