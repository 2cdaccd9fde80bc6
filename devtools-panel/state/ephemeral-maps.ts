/**
 * Keys of the ephemeral stores. The repo re-stamps every key (touch()) on
 * each heartbeat and fires `by: "local"` for it, remote peers' keys included,
 * so the event kind says nothing about what changed: a key changed only when
 * its value or deleted flag differs. A new timestamp alone is a re-stamp.
 */
import type { StoreEntry, StoreSnapshot } from "../../protocol/messages"
import { deepEqual } from "../values/deep-equal"
import type { Draft } from "./draft"
import type { EntryState, NamespaceMap, RoomState, Via } from "./panel-state"

export type EntryChange = "none" | "restamp" | "change"

export interface WriteContext {
  /** Event time (or receipt time for snapshots). */
  readonly t: number
  /** The store event's `by`, or "snapshot" for registration snapshots. */
  readonly by: string
  readonly localPeerId: string
  readonly via?: Via
  /** For imports: the peer whose copy of the store the frame carried. */
  readonly sender?: string
}

export function mergeEntry(
  prev: EntryState | undefined,
  incoming: StoreEntry,
  context: WriteContext,
): { entry: EntryState; change: EntryChange } {
  const deleted = incoming.deleted === true
  // A live key always has a value on the wire; null stands in if a hook omits it.
  const value = deleted ? undefined : (incoming.value ?? null)
  if (prev && prev.deleted === deleted && deepEqual(prev.value, value)) {
    if (prev.timestamp === incoming.timestamp && prev.size === incoming.size) return { entry: prev, change: "none" }
    return { entry: { ...prev, timestamp: incoming.timestamp, size: incoming.size }, change: "restamp" }
  }
  const fromSnapshot = context.by === "snapshot"
  const entry: EntryState = {
    key: incoming.key,
    ...(deleted ? {} : { value }),
    deleted,
    timestamp: incoming.timestamp,
    size: incoming.size,
    changedAt: fromSnapshot && !prev ? (incoming.timestamp ?? context.t) : context.t,
    changes: (prev?.changes ?? 0) + (fromSnapshot && !prev ? 0 : 1),
    // touch() never changes a value, so a local change is a write by this repo.
    // An import is credited to the key's writer, never to this repo, and
    // names the peer whose re-stamped copy it was when that is not the writer.
    changedBy: context.by === "local" ? context.localPeerId : incoming.key,
    via: context.by === "import" ? context.via : undefined,
    ...(context.by === "import" && context.sender !== undefined && context.sender !== incoming.key ? { copiedFrom: context.sender } : {}),
  }
  return { entry, change: "change" }
}

export interface WriteResult {
  /** Keys whose value or deleted flag changed. */
  changed: string[]
  /** Whether anything was written at all (re-stamps included). */
  wrote: boolean
}

/** Writes one store event's entries into a room's namespaces, copying what it writes to. */
export function writeEntries(
  draft: Draft,
  room: { namespaces: ReadonlyMap<string, NamespaceMap> },
  namespace: string,
  entries: readonly StoreEntry[],
  context: WriteContext,
): WriteResult {
  const current = room.namespaces.get(namespace)
  let target: Map<string, EntryState> | undefined
  const changed: string[] = []
  for (const incoming of entries) {
    if (typeof incoming?.key !== "string") continue
    const prev = (target ?? current)?.get(incoming.key)
    const { entry, change } = mergeEntry(prev, incoming, context)
    if (change === "none") continue
    if (!target) {
      const namespaces = draft.map(room.namespaces)
      room.namespaces = namespaces
      target = draft.map(current ?? draft.fresh(new Map()))
      namespaces.set(namespace, target)
    }
    target.set(incoming.key, entry)
    if (change === "change") changed.push(incoming.key)
  }
  return { changed, wrote: target !== undefined }
}

/** Adds an empty namespace unless it exists. */
export function ensureNamespace(draft: Draft, room: { namespaces: ReadonlyMap<string, NamespaceMap> }, namespace: string): boolean {
  if (room.namespaces.has(namespace)) return false
  const namespaces = draft.map(room.namespaces)
  namespaces.set(namespace, draft.fresh(new Map()))
  room.namespaces = namespaces
  return true
}

/**
 * A full store snapshot merged onto what the panel had: unchanged keys keep
 * their objects and history, so re-announcing the same repo is a no-op;
 * keys the snapshot no longer has are gone.
 */
export function namespaceFromSnapshot(previous: NamespaceMap | undefined, store: StoreSnapshot, context: WriteContext): NamespaceMap {
  const next = new Map<string, EntryState>()
  for (const incoming of Array.isArray(store.entries) ? store.entries : []) {
    if (typeof incoming?.key !== "string") continue
    next.set(incoming.key, mergeEntry(previous?.get(incoming.key), incoming, context).entry)
  }
  return next
}

/** Whether a peer has a live (non-tombstone) key in any namespace of the room. */
export function hasLiveKey(room: RoomState, peerId: string): boolean {
  for (const entries of room.namespaces.values()) {
    const entry = entries.get(peerId)
    if (entry && !entry.deleted) return true
  }
  return false
}
