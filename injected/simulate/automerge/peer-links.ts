/**
 * How each simulated peer's messages reach the network: through the relay
 * adapter added to the app's repo (relay-adapter.ts), or through the peer's
 * own connection to the app's sync server (upstream.ts).
 *
 * A local peer always uses the relay: the app's repo receives its messages
 * and a guard keeps them from going further. A network-wide peer uses its own
 * connection when the repo talks to a WebSocket sync server (whose adapter
 * drops what the repo would pass on for it); over other transports the relay
 * is enough, as the repo floods what it receives and their far ends relay any
 * sender.
 */
import { SimulationError } from "../errors"
import type { SimulatedVisibility } from "../../../protocol/simulate"
import type { AutomergeAccess } from "./automerge-access"
import type { Deliver } from "./presence-messages"
import { RelayAdapter } from "./relay-adapter"
import { findSyncServerSocket, Upstream } from "./upstream"

export interface PeerLinkEvents {
  /** The relay is connected: its waiting peers can go live. */
  relayReady(): void
  /** A peer's own connection (re)joined the server. */
  upstreamReady(peerId: string): void
  /** A peer's own connection dropped; its adapter reconnects by itself. */
  upstreamLost(peerId: string): void
  /** The app removed the relay adapter (or shut its repo down): the peers on it are gone. */
  relayStopped(peerIds: string[]): void
}

export class PeerLinks {
  readonly #access: AutomergeAccess
  readonly #events: PeerLinkEvents
  readonly #nextChannelId: () => number
  readonly #upstreams = new Map<string, Upstream>()
  readonly #onRelay = new Set<string>()
  #relay: RelayAdapter | undefined
  #relayChannel = 0

  constructor(access: AutomergeAccess, events: PeerLinkEvents, nextChannelId: () => number) {
    this.#access = access
    this.#events = events
    this.#nextChannelId = nextChannelId
  }

  /** The relay's id, where local peers' messages may go back to (undefined: no relay). */
  get relayId(): string | undefined {
    return this.#relay?.relayId
  }

  /** The model channel simulated peers are listed on: the relay's, or 0 before there is one. */
  get channelId(): number {
    return this.#relayChannel
  }

  /** Opens the link a new peer will use; true when it can send at once. */
  open(peerId: string, visibility: SimulatedVisibility): boolean {
    const socket = visibility === "network" ? findSyncServerSocket(this.#access.adapters()) : undefined
    if (!socket) {
      const relay = this.#ensureRelay()
      this.#onRelay.add(peerId)
      return relay.connected
    }
    try {
      const upstream: Upstream = new Upstream(socket, peerId, {
        ready: () => this.#upstreams.get(peerId) === upstream && this.#events.upstreamReady(peerId),
        lost: () => this.#upstreams.get(peerId) === upstream && this.#events.upstreamLost(peerId),
      })
      this.#upstreams.set(peerId, upstream)
    } catch (error) {
      throw new SimulationError(
        "unsupported-repo",
        `A network-wide peer could not open its own connection to ${socket.url} with the app's WebSocket adapter: ${errorText(error)}`,
      )
    }
    return false
  }

  /** Where a peer's messages go now; undefined while its link is not connected. */
  deliverFor(peerId: string): Deliver | undefined {
    const upstream = this.#upstreams.get(peerId)
    if (upstream) return upstream.ready ? message => upstream.send(message) : undefined
    const relay = this.#relay
    return this.#onRelay.has(peerId) && relay?.connected ? message => relay.deliver(message) : undefined
  }

  /** Closes a removed peer's link (after its goodbye has been handed over). */
  close(peerId: string): void {
    this.#upstreams.get(peerId)?.close()
    this.#upstreams.delete(peerId)
    this.#onRelay.delete(peerId)
  }

  /** Takes the relay out of the repo once no peer uses it; returns an error text if the repo refused. */
  releaseRelayIfUnused(): string | undefined {
    if (this.#onRelay.size > 0 || !this.#relay) return undefined
    const leaving = this.#relay
    this.#relay = undefined
    try {
      this.#access.removeAdapter(leaving)
    } catch (error) {
      return `removeNetworkAdapter failed: ${errorText(error)}`
    }
    return undefined
  }

  #ensureRelay(): RelayAdapter {
    if (this.#relay) return this.#relay
    this.#relayChannel = this.#nextChannelId()
    const created: RelayAdapter = new RelayAdapter(`ephemera-relay-${this.#relayChannel}`, {
      connected: () => queueMicrotask(() => this.#relay === created && this.#events.relayReady()),
      stopped: () => {
        if (this.#relay !== created) return
        this.#relay = undefined
        const gone = [...this.#onRelay]
        this.#onRelay.clear()
        this.#events.relayStopped(gone)
      },
    })
    this.#relay = created
    try {
      this.#access.addAdapter(created)
    } catch (error) {
      this.#relay = undefined
      throw new SimulationError("unsupported-repo", `The repo refused the simulated peers' adapter: ${errorText(error)}`)
    }
    return created
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
