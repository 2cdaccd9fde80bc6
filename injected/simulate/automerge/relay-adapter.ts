/**
 * The network adapter simulated peers arrive through, added to the app's
 * repo with `networkSubsystem.addNetworkAdapter`: one peer, the relay, the
 * way people behind a sync server arrive through the server's socket. Each
 * simulated peer's messages come in on it under the peer's own `senderId`,
 * session and count, as messages relayed by a server do.
 *
 * It speaks automerge-repo's NetworkAdapter interface (an EventEmitter with
 * connect/send/disconnect/isReady/whenReady) without the library: the hook
 * never bundles it. What the repo sends to the relay is dropped, except a
 * document request, which is answered "unavailable" so nothing waits on us.
 */
type Listener = (payload: unknown) => void

export interface RelayAdapterEvents {
  /** The repo connected the adapter and took the relay as a peer. */
  connected(repoPeerId: string): void
  /** The repo removed the adapter. */
  stopped(): void
}

export class RelayAdapter {
  readonly relayId: string
  peerId: string | undefined
  readonly #listeners = new Map<string, Set<Listener>>()
  readonly #events: RelayAdapterEvents
  #connected = false

  constructor(relayId: string, events: RelayAdapterEvents) {
    this.relayId = relayId
    this.#events = events
  }

  // --- EventEmitter, as far as NetworkSubsystem uses it ----------------------
  on(event: string, listener: Listener): this {
    let listeners = this.#listeners.get(event)
    if (!listeners) {
      listeners = new Set()
      this.#listeners.set(event, listeners)
    }
    listeners.add(listener)
    return this
  }

  off(event: string, listener: Listener): this {
    this.#listeners.get(event)?.delete(listener)
    return this
  }

  emit(event: string, payload?: unknown): boolean {
    const listeners = this.#listeners.get(event)
    for (const listener of [...(listeners ?? [])]) listener(payload)
    return (listeners?.size ?? 0) > 0
  }

  removeAllListeners(): this {
    this.#listeners.clear()
    return this
  }

  // --- NetworkAdapter ---------------------------------------------------------
  connect(peerId: string): void {
    this.peerId = peerId
    this.#connected = true
    this.emit("peer-candidate", { peerId: this.relayId, peerMetadata: {} })
    this.#events.connected(peerId)
  }

  send(message: unknown): void {
    const fields = message as { type?: unknown; documentId?: unknown; senderId?: unknown }
    if (fields.type !== "request" || typeof fields.documentId !== "string" || typeof fields.senderId !== "string") return
    const answer = { type: "doc-unavailable", documentId: fields.documentId, senderId: this.relayId, targetId: fields.senderId }
    queueMicrotask(() => this.#connected && this.emit("message", answer))
  }

  disconnect(): void {
    if (!this.#connected) return
    this.#connected = false
    this.emit("peer-disconnected", { peerId: this.relayId })
    this.emit("close")
    this.#events.stopped()
  }

  isReady(): boolean {
    return true
  }

  whenReady(): Promise<void> {
    return Promise.resolve()
  }

  /** Hands the repo a message, as if it came over the wire. */
  deliver(message: Record<string, unknown>): void {
    if (this.#connected) this.emit("message", message)
  }

  get connected(): boolean {
    return this.#connected
  }
}
