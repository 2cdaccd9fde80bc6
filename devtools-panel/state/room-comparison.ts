/**
 * A room as every tab sees it: each key's copy in each repo that holds the
 * room, side by side, and whether the copies agree. Copies differ for a
 * moment whenever a key changes (the update is on its way); they have
 * diverged when they still differ a settle time after the key last changed
 * anywhere. That is how a lost update shows from the receivers' side: with
 * last-writer-wins, two writes in one millisecond leave the writer with the
 * second value and every receiver with the first, and nothing heals it until
 * the key is written again.
 */
import type { WireValue } from "../../protocol/messages"
import { deepEqual } from "../values/deep-equal"
import type { EntryState, RepoState } from "./panel-state"

export const DEFAULT_SETTLE_MS = 2_000

/** One repo holding the room, in one tab. */
export interface ComparisonColumn {
  /** Unique among the columns (tab and repo). */
  id: string
  /** Undefined for the inspected tab. */
  tabId?: number
  repo: RepoState
}

/** A key's copy in one column; absent when that repo does not have the key. */
export interface KeyCopy {
  value?: WireValue
  deleted: boolean
  timestamp?: number
  changedAt: number
}

export type RowStatus = "same" | "settling" | "diverged"

export type DivergenceKind =
  /** Same writer's timestamp, different values: a tie, which every receiver resolves by keeping what it had. */
  | "tie"
  /** A different value under a newer timestamp than the reference copy's: a store re-stamped a stale copy. */
  | "restamped"
  /** Some copies carry an older timestamp than the reference copy: a newer write did not reach them. */
  | "behind"
  /** Some repos have no live value where others have one (or the reverse). */
  | "missing"

export interface ComparisonRow {
  namespace: string
  key: string
  /** By column, in the columns' order. */
  copies: Array<KeyCopy | undefined>
  status: RowStatus
  /** Set when not "same": which copies differ from the reference copy (the key owner's, else the newest). */
  odd: boolean[]
  kind?: DivergenceKind
  /** When the key last changed in any column (what the settle time is counted from). */
  lastChange?: number
}

export interface RoomComparison {
  columns: ComparisonColumn[]
  rows: ComparisonRow[]
  diverged: number
}

/**
 * Every document some repo holds as a room, the ones most tabs take part in
 * first: a repo takes part in a room where it has a live key of its own
 * (its presence). A long-lived hub tells every peer about every room it has
 * seen, so merely holding a room says little.
 */
export function comparableRooms(repos: readonly RepoState[]): string[] {
  const members = new Map<string, number>()
  for (const repo of repos) {
    if (repo.gone) continue
    for (const [docId, room] of repo.rooms) {
      const own = [...room.namespaces.values()].some(entries => entries.get(repo.info.peerId)?.deleted === false)
      members.set(docId, (members.get(docId) ?? 0) + (own ? 1 : 0))
    }
  }
  return [...members].sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b)).map(([docId]) => docId)
}

export function compareRoom(columns: readonly ComparisonColumn[], docId: string, now: number, settleMs: number): RoomComparison {
  const holding = columns.filter(column => !column.repo.gone && column.repo.rooms.has(docId))
  const keys = new Map<string, Set<string>>()
  for (const { repo } of holding) {
    for (const [namespace, entries] of repo.rooms.get(docId)!.namespaces) {
      const set = keys.get(namespace) ?? new Set<string>()
      for (const key of entries.keys()) set.add(key)
      keys.set(namespace, set)
    }
  }
  const rows: ComparisonRow[] = []
  for (const namespace of [...keys.keys()].sort()) {
    for (const key of [...keys.get(namespace)!].sort()) {
      const copies = holding.map(({ repo }) => copyOf(repo.rooms.get(docId)!.namespaces.get(namespace)?.get(key)))
      const owner = holding.findIndex(({ repo }) => repo.info.peerId === key)
      rows.push(compareCopies(namespace, key, copies, owner, now, settleMs))
    }
  }
  return { columns: holding, rows, diverged: rows.filter(row => row.status === "diverged").length }
}

function copyOf(entry: EntryState | undefined): KeyCopy | undefined {
  if (!entry) return undefined
  return {
    ...(entry.deleted ? {} : { value: entry.value }),
    deleted: entry.deleted,
    timestamp: entry.timestamp,
    changedAt: entry.changedAt,
  }
}

/** A tombstone and no key at all read the same: no live value. */
function live(copy: KeyCopy | undefined): boolean {
  return copy !== undefined && !copy.deleted
}

function sameContent(a: KeyCopy | undefined, b: KeyCopy | undefined): boolean {
  if (!live(a) || !live(b)) return live(a) === live(b)
  return deepEqual(a!.value, b!.value)
}

function compareCopies(
  namespace: string,
  key: string,
  copies: Array<KeyCopy | undefined>,
  owner: number,
  now: number,
  settleMs: number,
): ComparisonRow {
  let lastChange: number | undefined
  for (const copy of copies) if (copy) lastChange = Math.max(lastChange ?? copy.changedAt, copy.changedAt)
  const reference = copies[owner >= 0 ? owner : newestIndex(copies)]
  const odd = copies.map(copy => !sameContent(copy, reference))
  if (!odd.some(Boolean)) return { namespace, key, copies, status: "same", odd, ...(lastChange === undefined ? {} : { lastChange }) }
  const settled = lastChange === undefined || now - lastChange >= settleMs
  const kind = kindOf(copies, odd, reference)
  return {
    namespace,
    key,
    copies,
    status: settled ? "diverged" : "settling",
    odd,
    kind,
    ...(lastChange === undefined ? {} : { lastChange }),
  }
}

function newestIndex(copies: Array<KeyCopy | undefined>): number {
  let best = 0
  for (let index = 1; index < copies.length; index++) {
    if ((copies[index]?.timestamp ?? -Infinity) > (copies[best]?.timestamp ?? -Infinity)) best = index
  }
  return best
}

/** Read against the reference copy: the copies that differ are the ones explained. */
function kindOf(copies: Array<KeyCopy | undefined>, odd: readonly boolean[], reference: KeyCopy | undefined): DivergenceKind {
  if (copies.some(copy => live(copy)) && copies.some(copy => !live(copy))) return "missing"
  const stamps = copies.filter((_, index) => odd[index]).map(copy => copy?.timestamp ?? -Infinity)
  const own = reference?.timestamp ?? -Infinity
  if (stamps.every(stamp => stamp === own)) return "tie"
  return stamps.some(stamp => stamp > own) ? "restamped" : "behind"
}

/** What a divergence means, in words for the view. */
export function explainDivergence(kind: DivergenceKind): string {
  switch (kind) {
    case "tie":
      return "Same writer's timestamp, different values: the key was written more than once in one millisecond. Last-writer-wins keeps the copy a store already has on a tie, so the receivers kept an earlier write and the writer the last one, until the key is written again."
    case "restamped":
      return "Some copies hold another value under a newer timestamp than the owner's: a store re-stamped its stale copy (5.4.2 re-stamps every key of a store on each heartbeat). Wherever that copy arrives it wins, the owner's own store included."
    case "behind":
      return "Some copies carry an older writer's timestamp: a newer write did not reach them (or a store refused it)."
    case "missing":
      return "Some tabs hold no live value for this key while others do: a write or a removal did not reach them."
  }
}
