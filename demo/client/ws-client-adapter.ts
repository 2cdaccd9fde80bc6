import { Adapter, type ChannelId, type GeneratedChannel } from "@loro-extended/repo"
import { decodeFrame, encodeFrame } from "../shared/channel-frame"

/**
 * The part of a WebSocket this adapter uses. The browser's WebSocket and the
 * `ws` package's both fit, so Node tests run the same adapter.
 */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: "open" | "close" | "error", listener: () => void): void
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void
}

export type SocketConstructor = new (url: string) => SocketLike

export type ConnectionStatus = "connecting" | "open" | "closed"

export interface WsClientAdapterOptions {
  /** The hub's socket URL, e.g. `ws://127.0.0.1:8787/ws`. */
  url: string
  WebSocket?: SocketConstructor
  /** First reconnect delay; doubles per failed attempt up to `maxRetryDelayMs`. */
  retryDelayMs?: number
  maxRetryDelayMs?: number
  onStatus?: (status: ConnectionStatus) => void
}

// WebSocket.OPEN, spelled out because `ws` and the DOM disagree on where it lives.
const OPEN = 1

type SocketContext = { socket: SocketLike }

/**
 * A page's connection to the hub: one "network" channel while the socket is
 * open, none while it is down. A dropped socket removes the channel (the hub
 * then deletes this peer's presence for everyone) and a new one is opened
 * after a growing, jittered delay.
 */
export class WsClientAdapter extends Adapter<SocketContext> {
  readonly #url: string
  readonly #Socket: SocketConstructor
  readonly #retryDelayMs: number
  readonly #maxRetryDelayMs: number
  readonly #onStatus: (status: ConnectionStatus) => void

  #running = false
  #socket: SocketLike | undefined
  #channelId: ChannelId | undefined
  #failedAttempts = 0
  #retryTimer: ReturnType<typeof setTimeout> | undefined

  constructor({ url, WebSocket, retryDelayMs = 250, maxRetryDelayMs = 5000, onStatus }: WsClientAdapterOptions) {
    super({ adapterType: "ws-client" })
    this.#url = url
    const Socket = WebSocket ?? (globalThis.WebSocket as SocketConstructor | undefined)
    if (!Socket) throw new Error("no WebSocket implementation: pass one in the options")
    this.#Socket = Socket
    this.#retryDelayMs = retryDelayMs
    this.#maxRetryDelayMs = maxRetryDelayMs
    this.#onStatus = onStatus ?? (() => {})
  }

  protected generate({ socket }: SocketContext): GeneratedChannel {
    return {
      kind: "network",
      adapterType: this.adapterType,
      send: message => {
        if (socket.readyState === OPEN) socket.send(encodeFrame(message))
      },
      stop: () => socket.close(),
    }
  }

  async onStart(): Promise<void> {
    this.#running = true
    this.#connect()
  }

  async onStop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#retryTimer)
    this.#dropChannel()
    this.#socket?.close(1000, "peer left")
    this.#socket = undefined
  }

  #connect(): void {
    this.#onStatus("connecting")
    const socket = new this.#Socket(this.#url)
    this.#socket = socket

    socket.addEventListener("open", () => {
      if (socket !== this.#socket || !this.#running) return
      this.#failedAttempts = 0
      const channel = this.addChannel({ socket })
      this.#channelId = channel.channelId
      this.establishChannel(channel.channelId)
      this.#onStatus("open")
    })
    socket.addEventListener("message", event => {
      if (socket !== this.#socket) return
      this.#deliver(event.data)
    })
    socket.addEventListener("close", () => {
      if (socket !== this.#socket) return
      this.#socket = undefined
      this.#dropChannel()
      this.#onStatus("closed")
      if (this.#running) this.#scheduleReconnect()
    })
    // "error" is always followed by "close", which does the work.
    socket.addEventListener("error", () => {})
  }

  #scheduleReconnect(): void {
    const backoff = Math.min(this.#maxRetryDelayMs, this.#retryDelayMs * 2 ** this.#failedAttempts)
    this.#failedAttempts++
    // Jitter keeps a room's worth of tabs from reconnecting in lockstep after a hub restart.
    const delay = backoff / 2 + Math.random() * (backoff / 2)
    this.#retryTimer = setTimeout(() => {
      if (this.#running) this.#connect()
    }, delay)
  }

  #deliver(data: unknown): void {
    const channel = this.#channelId === undefined ? undefined : this.channels.get(this.#channelId)
    if (!channel) return
    if (typeof data !== "string") {
      console.warn("demo: dropped a non-text frame from the hub")
      return
    }
    const decoded = decodeFrame(data)
    if (!decoded.ok) {
      console.warn(`demo: dropped a malformed frame from the hub: ${decoded.reason}`)
      return
    }
    try {
      channel.onReceive(decoded.message)
    } catch (error) {
      // The repo throws synchronously on bytes loro refuses; under Node an
      // exception escaping a socket listener would end the process.
      console.warn(`demo: the repo rejected ${decoded.message.type} from the hub`, error)
    }
  }

  #dropChannel(): void {
    const channelId = this.#channelId
    this.#channelId = undefined
    // After onStop the repo has already dropped every channel and refuses removals.
    if (channelId !== undefined && this.#running && this.channels.has(channelId)) this.removeChannel(channelId)
  }
}
