/**
 * The repo's network adapters and their peers, as channels. automerge-repo
 * has no channel objects: an adapter reaches one peer (a client's socket to
 * its server) or many (a server's sockets), and says so with
 * `peer-candidate` and `peer-disconnected`. The hook numbers each adapter
 * and peer pair as a channel, the way loro-extended numbers its channels,
 * so the panel's Sync and Live views read both libraries alike.
 *
 * Adapters added later are followed through `networkSubsystem`'s
 * `addNetworkAdapter` (wrapped on the instance); an adapter's `close` ends
 * its channels. Peers connected before registration are matched to an
 * adapter by what adapters expose (`remotePeerId`, a server's `sockets`),
 * else to the only adapter.
 */
import { type WrappedFunction, wrapFunction } from "../shared/function-wrap"
import { isObject, read } from "../shared/read"
import { type AdapterLike, isAdapter, type NetworkSubsystemLike } from "./repo-shape"

export interface PeerMetadata {
  storageId?: string
  isEphemeral?: boolean
}

export interface Connection {
  readonly channelId: number
  readonly peerId: string
  readonly adapter: AdapterLike
  readonly metadata: PeerMetadata
}

export interface AdapterWatcher {
  /** A new adapter (or one there at registration): the taps attach to it. */
  adapterAdded(adapter: AdapterLike): void
  adapterRemoved(adapter: AdapterLike): void
}

/** Connections changed: who connected or left, for the model. */
export type ConnectionListener = (cause: "peer" | "peer-disconnected" | "adapter-closed") => void

interface AdapterEntry {
  readonly peers: Map<string, Connection>
  readonly stop: () => void
}

export class AdapterDirectory {
  readonly #network: NetworkSubsystemLike
  readonly #adapters = new Map<AdapterLike, AdapterEntry>()
  readonly #watchers = new Set<AdapterWatcher>()
  readonly #changed: ConnectionListener
  #nextChannelId = 1
  #wraps: WrappedFunction[] = []

  constructor(network: NetworkSubsystemLike, changed: ConnectionListener) {
    this.#network = network
    this.#changed = changed
  }

  /** Follows the adapters there now and those added later; returns the teardown. */
  install(knownPeers: readonly string[], metadataOf: (peerId: string) => PeerMetadata): () => void {
    for (const adapter of this.#network.adapters) this.#add(adapter)
    for (const peerId of knownPeers) {
      const adapter = this.#adapterReaching(peerId)
      if (adapter) this.#connect(adapter, peerId, metadataOf(peerId))
    }
    const directory = this
    const added = wrapFunction(
      this.#network,
      "addNetworkAdapter",
      original =>
        function tappedAddNetworkAdapter(this: unknown, ...args: unknown[]) {
          const result = original.apply(this, args)
          if (isAdapter(args[0])) directory.#add(args[0])
          return result
        },
    )
    if (typeof added === "string") throw new Error(`networkSubsystem.${added}`)
    this.#wraps.push(added)
    const removed = wrapFunction(
      this.#network,
      "removeNetworkAdapter",
      original =>
        function tappedRemoveNetworkAdapter(this: unknown, ...args: unknown[]) {
          const result = original.apply(this, args)
          if (isAdapter(args[0])) directory.#remove(args[0])
          return result
        },
    )
    if (typeof removed !== "string") this.#wraps.push(removed)
    return () => {
      for (const wrap of this.#wraps) wrap.restore()
      this.#wraps = []
      for (const adapter of [...this.#adapters.keys()]) this.#remove(adapter)
    }
  }

  /** Calls `watcher` for every adapter now and later. */
  watch(watcher: AdapterWatcher): () => void {
    this.#watchers.add(watcher)
    for (const adapter of this.#adapters.keys()) watcher.adapterAdded(adapter)
    return () => {
      this.#watchers.delete(watcher)
      for (const adapter of this.#adapters.keys()) watcher.adapterRemoved(adapter)
    }
  }

  /**
   * The channel a message to or from `peerId` on `adapter` travels on: that
   * peer's, else the adapter's only one (a relayed sender behind a server);
   * undefined when the adapter has several and none is that peer's.
   */
  channelOf(adapter: AdapterLike, peerId: unknown): Connection | undefined {
    const peers = this.#adapters.get(adapter)?.peers
    if (!peers) return undefined
    const direct = typeof peerId === "string" ? peers.get(peerId) : undefined
    if (direct) return direct
    return peers.size === 1 ? peers.values().next().value : undefined
  }

  connections(): Connection[] {
    const all: Connection[] = []
    for (const entry of this.#adapters.values()) all.push(...entry.peers.values())
    return all
  }

  #add(adapter: AdapterLike): void {
    if (this.#adapters.has(adapter)) return
    const peers = new Map<string, Connection>()
    const onCandidate = (payload: unknown) => {
      const peerId = read(payload, "peerId")
      if (typeof peerId !== "string") return
      this.#connect(adapter, peerId, metadataOf(read(payload, "peerMetadata")))
    }
    const onDisconnected = (payload: unknown) => {
      const peerId = read(payload, "peerId")
      if (typeof peerId === "string" && peers.delete(peerId)) this.#changed("peer-disconnected")
    }
    const onClose = () => {
      if (peers.size === 0) return
      peers.clear()
      this.#changed("adapter-closed")
    }
    adapter.on("peer-candidate", onCandidate)
    adapter.on("peer-disconnected", onDisconnected)
    adapter.on("close", onClose)
    this.#adapters.set(adapter, {
      peers,
      stop: () => {
        adapter.off("peer-candidate", onCandidate)
        adapter.off("peer-disconnected", onDisconnected)
        adapter.off("close", onClose)
      },
    })
    for (const watcher of this.#watchers) watcher.adapterAdded(adapter)
  }

  #remove(adapter: AdapterLike): void {
    const entry = this.#adapters.get(adapter)
    if (!entry) return
    entry.stop()
    this.#adapters.delete(adapter)
    for (const watcher of this.#watchers) watcher.adapterRemoved(adapter)
    if (entry.peers.size > 0) this.#changed("adapter-closed")
  }

  #connect(adapter: AdapterLike, peerId: string, metadata: PeerMetadata): void {
    const peers = this.#adapters.get(adapter)?.peers
    if (!peers) return
    // Announced again while connected (a handshake's second step): the same
    // channel. After a disconnect it is a new connection, with a new channel.
    const known = peers.get(peerId)
    peers.set(peerId, {
      channelId: known?.channelId ?? this.#nextChannelId++,
      peerId,
      adapter,
      metadata: { ...known?.metadata, ...metadata },
    })
    this.#changed("peer")
  }

  /** For peers connected before registration: the adapter that says it reaches them. */
  #adapterReaching(peerId: string): AdapterLike | undefined {
    const adapters = [...this.#adapters.keys()]
    const reaching = adapters.find(adapter => {
      if (read(adapter, "remotePeerId") === peerId) return true
      const sockets = read(adapter, "sockets")
      return isObject(sockets) && Object.hasOwn(sockets, peerId)
    })
    return reaching ?? (adapters.length === 1 ? adapters[0] : undefined)
  }
}

export function metadataOf(value: unknown): PeerMetadata {
  const storageId = read(value, "storageId")
  const isEphemeral = read(value, "isEphemeral")
  return {
    ...(typeof storageId === "string" ? { storageId } : {}),
    ...(typeof isEphemeral === "boolean" ? { isEphemeral } : {}),
  }
}

/** What kind of adapter it is, from what it exposes (class names do not survive minifiers). */
export function adapterType(adapter: AdapterLike): string {
  if (typeof read(adapter, "url") === "string") return "websocket"
  if (isObject(read(adapter, "sockets"))) return "websocket-server"
  if (isObject(read(adapter, "messagePortRef"))) return "messagechannel"
  if (isObject(read(adapter, "channel")) || typeof read(adapter, "channel") === "string") return "broadcastchannel"
  const named = read(read(adapter, "constructor"), "name")
  return typeof named === "string" && named.length > 2 ? named : "network"
}
