/**
 * The repo's model in the panel's shape (ModelSnapshot), read from the live
 * repo: automerge-repo has no update function to watch it change, so the
 * hook reads it again after what can change it (a peer connecting or
 * leaving, sync traffic, a new document) and sends the parts that differ as
 * a `model` event.
 *
 * - peers: every peer connected now, and those seen since registration
 *   (with no channels once gone, as loro-extended keeps them); a peer's
 *   subscriptions are the documents whose synchronizer syncs with it, its
 *   per-document sync state the synchronizer's `peerStates` (has, wants,
 *   unavailable, unknown) with the heads its last sync message told.
 * - channels: an adapter and peer pair each (adapters.ts).
 * - documents: every handle, with its heads and its state as a ready state.
 */
import type { ChannelSummary, DocSummary, ModelDelta, ModelSnapshot, PeerSummary } from "../../../protocol/messages"
import { isObject, read } from "../shared/read"
import { type AdapterDirectory, adapterType, type PeerMetadata } from "./adapters"
import { currentHandles, type AutomergeRepoLike } from "./repo-shape"
import type { SyncStates } from "./sync-states"

/** Peers remembered after they left; beyond this the oldest are forgotten. */
const MAX_GONE_PEERS = 256

export class ModelReader {
  readonly #found: AutomergeRepoLike
  readonly #directory: AdapterDirectory
  readonly #syncStates: SyncStates
  /** Every peer seen, with its metadata, in order of first sight. */
  readonly #seen = new Map<string, PeerMetadata>()
  #selfType = "peer"

  constructor(found: AutomergeRepoLike, directory: AdapterDirectory, syncStates: SyncStates) {
    this.#found = found
    this.#directory = directory
    this.#syncStates = syncStates
    // The repo's own metadata is a promise (it waits for its storage id).
    Promise.resolve(read(found.network, "peerMetadata"))
      .then(metadata => {
        this.#selfType = typeOfPeer(metadata)
      })
      .catch(() => {})
  }

  get peerId(): string {
    return String(read(this.#found.network, "peerId"))
  }

  get selfType(): string {
    return this.#selfType
  }

  read(): ModelSnapshot {
    const connections = this.#directory.connections()
    const channelsOf = new Map<string, number[]>()
    for (const connection of connections) {
      this.#remember(connection.peerId, connection.metadata)
      channelsOf.set(connection.peerId, [...(channelsOf.get(connection.peerId) ?? []), connection.channelId])
    }
    const docSyncs = this.#docSynchronizers()
    for (const [, sync] of docSyncs) for (const peerId of Object.keys(peerStatesOf(sync))) this.#remember(peerId, {})
    const self = this.peerId
    const peers: PeerSummary[] = []
    for (const [peerId, metadata] of this.#seen) {
      if (peerId === self) continue
      const subscriptions: string[] = []
      const docSyncStates: PeerSummary["docSyncStates"] = []
      for (const [docId, sync] of docSyncs) {
        if (hasPeer(sync, peerId)) subscriptions.push(docId)
        const status = peerStatesOf(sync)[peerId]
        if (typeof status !== "string") continue
        const known = this.#syncStates.get(peerId, docId)
        docSyncStates.push({
          docId,
          status,
          ...(known ? { lastKnownHeads: known.heads, lastUpdated: known.at } : {}),
        })
      }
      peers.push({ identity: { peerId, type: typeOfPeer(metadata) }, channels: channelsOf.get(peerId) ?? [], subscriptions, docSyncStates })
    }
    const channels: ChannelSummary[] = connections.map(connection => ({
      channelId: connection.channelId,
      type: "established",
      kind: "network",
      adapterType: adapterType(connection.adapter),
      peerId: connection.peerId,
    }))
    const documents: DocSummary[] = currentHandles(this.#found.repo).map(handle => {
      const state = read(handle, "state")
      return {
        docId: handle.documentId,
        version: {},
        ...headsOf(handle),
        readyStates: [{ identity: { peerId: self }, status: typeof state === "string" ? state : "unknown", channels: [] }],
      }
    })
    return { identity: { peerId: self, type: this.#selfType }, peers, channels, documents }
  }

  #remember(peerId: string, metadata: PeerMetadata): void {
    const known = this.#seen.get(peerId)
    if (known && Object.keys(metadata).length === 0) return
    this.#seen.delete(peerId)
    this.#seen.set(peerId, { ...known, ...metadata, ...this.#repoMetadata(peerId) })
    if (this.#seen.size > MAX_GONE_PEERS + 64) this.#forgetGone()
  }

  /** What the repo learned of the peer at its handshake (`peerMetadataByPeerId`). */
  #repoMetadata(peerId: string): PeerMetadata {
    const byPeer = read(this.#found.repo, "peerMetadataByPeerId")
    const metadata = read(byPeer, peerId)
    return isObject(metadata) ? (metadata as PeerMetadata) : {}
  }

  #forgetGone(): void {
    const connected = new Set(this.#directory.connections().map(connection => connection.peerId))
    let gone = [...this.#seen.keys()].filter(peerId => !connected.has(peerId))
    gone = gone.slice(0, Math.max(0, gone.length - MAX_GONE_PEERS))
    for (const peerId of gone) this.#seen.delete(peerId)
  }

  #docSynchronizers(): Array<[string, unknown]> {
    const syncs = read(this.#found.synchronizer, "docSynchronizers")
    return isObject(syncs) ? Object.entries(syncs) : []
  }
}

/** The parts of `next` that differ from `previous` (by their JSON). */
export function modelDelta(previous: ModelSnapshot | undefined, next: ModelSnapshot): ModelDelta {
  const delta: ModelDelta = {}
  if (!previous || JSON.stringify(previous.peers) !== JSON.stringify(next.peers)) delta.peers = next.peers
  if (!previous || JSON.stringify(previous.channels) !== JSON.stringify(next.channels)) delta.channels = next.channels
  if (!previous || JSON.stringify(previous.documents) !== JSON.stringify(next.documents)) delta.documents = next.documents
  return delta
}

/** A peer that persists what it syncs (a server with storage), or one that does not (a browser tab). */
function typeOfPeer(metadata: unknown): string {
  const ephemeral = read(metadata, "isEphemeral")
  return ephemeral === false ? "storage" : ephemeral === true ? "ephemeral" : "peer"
}

function peerStatesOf(sync: unknown): Record<string, unknown> {
  const states = read(sync, "peerStates")
  return isObject(states) ? states : {}
}

function hasPeer(sync: unknown, peerId: string): boolean {
  const method = read(sync, "hasPeer")
  try {
    return typeof method === "function" && method.call(sync, peerId) === true
  } catch {
    return false
  }
}

function headsOf(handle: object): { heads?: string[] } {
  try {
    const heads: unknown = (handle as { heads(): unknown }).heads()
    return Array.isArray(heads) ? { heads: heads.map(String) } : {}
  } catch {
    // Not ready yet: no heads to show.
    return {}
  }
}
