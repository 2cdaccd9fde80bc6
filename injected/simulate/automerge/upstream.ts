/**
 * A network-wide simulated peer's own connection to the app's sync server.
 *
 * automerge's WebSocket server adapter drops every message whose `senderId`
 * is not the peer that joined on the socket it came in on, so the app's repo
 * cannot pass a simulated peer's messages on through its own socket. Each
 * network-wide peer therefore joins the server itself, as one more client:
 * with a new instance of the app's own WebSocket client adapter class, on the
 * same URL, under the simulated peer's id. The server then relays its
 * messages to every repo that has the document, the app's own included, as
 * it relays a person's.
 *
 * The hook never bundles the library: the class is the one the app already
 * constructed, found on the repo's adapters.
 */

type Listener = (payload: unknown) => void

/** What the simulation needs of a WebSocket client adapter (automerge-repo's NetworkAdapter). */
interface SocketAdapter {
  connect(peerId: string, peerMetadata?: Record<string, unknown>): void
  send(message: Record<string, unknown>): void
  disconnect(): void
  on(event: string, listener: Listener): unknown
}

type SocketAdapterClass = new (url: string) => SocketAdapter

export interface SyncServerSocket {
  /** The server's WebSocket URL, as the app's adapter was given it. */
  readonly url: string
  readonly Adapter: SocketAdapterClass
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/**
 * The first of the repo's adapters that is a WebSocket client: a `ws:` or
 * `wss:` URL and a NetworkAdapter's methods. Undefined for other transports
 * (MessageChannel, BroadcastChannel), whose far ends relay any sender.
 */
export function findSyncServerSocket(adapters: readonly unknown[]): SyncServerSocket | undefined {
  for (const adapter of adapters) {
    if (!isObject(adapter)) continue
    const { url } = adapter
    if (typeof url !== "string" || !/^wss?:\/\//i.test(url)) continue
    if (!["connect", "send", "disconnect", "on"].every(method => typeof adapter[method] === "function")) continue
    const Adapter = adapter.constructor
    if (typeof Adapter !== "function" || Adapter === Object) continue
    return { url, Adapter: Adapter as SocketAdapterClass }
  }
  return undefined
}

export interface UpstreamEvents {
  /** The server answered the join: messages can go. Called again after a reconnect. */
  ready(): void
  /** The socket closed; the adapter retries on its own. */
  lost(): void
}

export class Upstream {
  readonly #adapter: SocketAdapter
  #serverId: string | undefined
  #closed = false

  constructor(socket: SyncServerSocket, peerId: string, events: UpstreamEvents) {
    this.#adapter = new socket.Adapter(socket.url)
    this.#adapter.on("peer-candidate", payload => {
      const serverId = isObject(payload) ? payload.peerId : undefined
      if (this.#closed || typeof serverId !== "string") return
      this.#serverId = serverId
      events.ready()
    })
    this.#adapter.on("peer-disconnected", () => {
      if (this.#closed || this.#serverId === undefined) return
      this.#serverId = undefined
      events.lost()
    })
    // What the server sends this peer (sync messages, others' ephemeral messages) needs no answer.
    this.#adapter.on("message", () => {})
    // No storage: the server keeps no sync state for it (a real repo without storage says the same).
    this.#adapter.connect(peerId, { isEphemeral: true })
  }

  get ready(): boolean {
    return this.#serverId !== undefined && !this.#closed
  }

  /** Sends a message to the server under this peer's id; dropped while not ready. */
  send(message: Record<string, unknown>): void {
    if (!this.ready) return
    this.#adapter.send({ ...message, targetId: this.#serverId })
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#serverId = undefined
    this.#adapter.disconnect()
  }
}
