/**
 * Feature detection for @automerge/automerge-repo 2.x. The hook never
 * bundles the library: the repo, its network subsystem, adapters, handles
 * and Presence instances are read as `unknown` and narrowed here.
 *
 * What the hook relies on (all public fields of 2.5.x, several marked
 * @hidden in its docs): `repo.networkSubsystem` (an EventEmitter with
 * `send`, `adapters`, `peerId`, `addNetworkAdapter`), `repo.synchronizer`
 * (the CollectionSynchronizer: `docSynchronizers`, `addDocument`, `peers`,
 * an EventEmitter of `sync-state`), and `repo.handles` (DocHandles by id).
 */
import type { AnyFunction } from "../shared/function-wrap"
import { type Found, isObject, read } from "../shared/read"

export interface EmitterLike {
  on(event: string, listener: AnyFunction): unknown
  off(event: string, listener: AnyFunction): unknown
  emit(event: string, ...args: unknown[]): boolean
  [key: string]: unknown
}

/** A network adapter: an EventEmitter of peer-candidate, peer-disconnected, message and close, with `send`. */
export interface AdapterLike extends EmitterLike {
  send(message: unknown): void
}

export interface NetworkSubsystemLike extends EmitterLike {
  peerId: string
  adapters: AdapterLike[]
  send(message: unknown): void
  addNetworkAdapter(adapter: unknown): void
  removeNetworkAdapter?(adapter: unknown): void
}

export interface CollectionSynchronizerLike extends EmitterLike {
  docSynchronizers: Record<string, unknown>
  addDocument(handle: unknown): void
}

export interface AutomergeRepoLike {
  repo: Record<string, unknown>
  network: NetworkSubsystemLike
  synchronizer: CollectionSynchronizerLike
}

function isEmitter(value: unknown): value is EmitterLike {
  return isObject(value) && typeof value.on === "function" && typeof value.off === "function" && typeof value.emit === "function"
}

/** An automerge Repo: a network subsystem that sends and lists adapters, and a collection synchronizer. */
export function findAutomergeRepo(repo: unknown): Found<AutomergeRepoLike> {
  if (!isObject(repo)) return { ok: false, reason: "not an object" }
  const network = read(repo, "networkSubsystem")
  if (!isEmitter(network)) return { ok: false, reason: "no networkSubsystem" }
  if (typeof network.send !== "function" || !Array.isArray(read(network, "adapters"))) {
    return { ok: false, reason: "networkSubsystem has no send or adapters" }
  }
  if (typeof read(network, "peerId") !== "string") return { ok: false, reason: "networkSubsystem has no peerId" }
  if (typeof read(network, "addNetworkAdapter") !== "function") return { ok: false, reason: "networkSubsystem has no addNetworkAdapter" }
  const synchronizer = read(repo, "synchronizer")
  if (!isEmitter(synchronizer) || !isObject(read(synchronizer, "docSynchronizers"))) {
    return { ok: false, reason: "no collection synchronizer (docSynchronizers)" }
  }
  if (typeof read(synchronizer, "addDocument") !== "function") return { ok: false, reason: "synchronizer has no addDocument" }
  return {
    ok: true,
    value: { repo, network: network as NetworkSubsystemLike, synchronizer: synchronizer as CollectionSynchronizerLike },
  }
}

/** 2.x is the line with Presence; `findWithProgress` came with it. */
export function detectLibraryVersion(repo: Record<string, unknown>): string {
  return typeof read(repo, "findWithProgress") === "function" ? "2.x" : "1.x"
}

export function isAdapter(value: unknown): value is AdapterLike {
  return isEmitter(value) && typeof value.send === "function"
}

/** A DocHandle: an EventEmitter with a documentId and broadcast(). */
export interface HandleLike extends EmitterLike {
  documentId: string
  broadcast(message: unknown): void
}

export function isHandle(value: unknown): value is HandleLike {
  return isEmitter(value) && typeof read(value, "documentId") === "string" && typeof value.broadcast === "function"
}

/** The repo's handles now (`repo.handles`, a record by document id). */
export function currentHandles(repo: Record<string, unknown>): HandleLike[] {
  const handles = read(repo, "handles")
  if (!isObject(handles)) return []
  return Object.values(handles).filter(isHandle)
}

/**
 * A Presence (automerge-repo 2.x): an EventEmitter with getPeerStates(),
 * getLocalState(), broadcast(channel, value), start() and stop(). Its
 * "private" TypeScript methods (`send`) are ordinary methods at run time.
 */
export interface PresenceLike extends EmitterLike {
  getPeerStates(): unknown
  getLocalState(): unknown
  broadcast(channel: string, value: unknown): void
  start(config: unknown): void
  stop(): void
  send?(message: unknown): void
}

export function isPresence(value: unknown): value is PresenceLike {
  return (
    isEmitter(value) &&
    typeof value.getPeerStates === "function" &&
    typeof value.getLocalState === "function" &&
    typeof value.broadcast === "function" &&
    typeof value.start === "function" &&
    typeof value.stop === "function"
  )
}

/** Presence marks its messages with this key (PRESENCE_MESSAGE_MARKER). */
export const PRESENCE_MARKER = "__presence"
