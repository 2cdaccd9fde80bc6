import { Adapter, type ChannelId, type GeneratedChannel } from "@loro-extended/repo"
import { WebSocket } from "ws"
import { decodeFrame, encodeFrame } from "../shared/channel-frame"

type SocketContext = { socket: WebSocket }

/** Frames held back by `hold()`. */
export interface InboundHold {
  /** Frames waiting. */
  held(): number
  /** Delivers them in order and stops holding. */
  release(): void
}

/** Where the hub reports frames it dropped; the console by default. */
export type WarningSink = (message: string) => void

/**
 * The hub's side of the WebSocket transport: one "network" channel per
 * connected socket, removed when the socket closes.
 *
 * Clients open the handshake (they send `channel/establish-request`), so the
 * hub only adds channels; establishing from both ends would run the handshake
 * twice.
 */
export class WsServerAdapter extends Adapter<SocketContext> {
  #accepting = false
  readonly #sockets = new Map<WebSocket, ChannelId>()
  readonly #warn: WarningSink
  /** Frames received while held (a slow link), in order. */
  #held: Array<[ChannelId, string]> | undefined

  constructor({ warn = message => console.warn(`hub: ${message}`) }: { warn?: WarningSink } = {}) {
    super({ adapterType: "ws-server" })
    this.#warn = warn
  }

  /** Hands a freshly upgraded socket to the repo. */
  accept(socket: WebSocket): void {
    if (!this.#accepting) {
      socket.close(1013, "hub is not running")
      return
    }
    const channel = this.addChannel({ socket })
    this.#sockets.set(socket, channel.channelId)

    socket.on("message", (data, isBinary) => {
      if (isBinary) {
        this.#warn(`dropped a binary frame on channel ${channel.channelId}`)
        return
      }
      this.#deliver(channel.channelId, data.toString())
    })
    socket.on("close", () => this.#forget(socket))
    // An "error" is always followed by "close"; listening keeps it from
    // becoming an uncaught exception.
    socket.on("error", error => this.#warn(`socket error on channel ${channel.channelId}: ${error.message}`))
  }

  protected generate({ socket }: SocketContext): GeneratedChannel {
    return {
      kind: "network",
      adapterType: this.adapterType,
      send: message => {
        if (socket.readyState === WebSocket.OPEN) socket.send(encodeFrame(message))
      },
      stop: () => socket.close(),
    }
  }

  async onStart(): Promise<void> {
    this.#accepting = true
  }

  async onStop(): Promise<void> {
    this.#accepting = false
    for (const socket of [...this.#sockets.keys()]) {
      this.#forget(socket)
      socket.close(1001, "hub is shutting down")
    }
  }

  /**
   * Frames from every peer wait until `release` delivers them, in order: a
   * slow link, for tests that need a frame still on its way while the hub's
   * heartbeat fires. Sockets stay open.
   */
  hold(): InboundHold {
    this.#held ??= []
    return {
      held: () => this.#held?.length ?? 0,
      release: () => {
        const held = this.#held ?? []
        this.#held = undefined
        for (const [channelId, text] of held) this.#deliver(channelId, text)
      },
    }
  }

  #deliver(channelId: ChannelId, text: string): void {
    if (this.#held) {
      this.#held.push([channelId, text])
      return
    }
    const decoded = decodeFrame(text)
    if (!decoded.ok) {
      this.#warn(`dropped a malformed frame on channel ${channelId}: ${decoded.reason}`)
      return
    }
    const channel = this.channels.get(channelId)
    if (!channel) return
    try {
      channel.onReceive(decoded.message)
    } catch (error) {
      // A well-formed frame can still carry bytes loro refuses (a corrupt
      // snapshot): the repo throws synchronously and discards that step.
      this.#warn(`repo rejected ${decoded.message.type} on channel ${channelId}: ${String(error)}`)
    }
  }

  #forget(socket: WebSocket): void {
    const channelId = this.#sockets.get(socket)
    if (channelId === undefined) return
    this.#sockets.delete(socket)
    // After onStop the repo has already dropped every channel and refuses
    // removals, so only remove while running.
    if (this.#accepting && this.channels.has(channelId)) this.removeChannel(channelId)
  }
}
