/**
 * The standalone panel's transport: a WebSocket to the standalone server,
 * coming back by itself (with growing delays) when the server restarts.
 * The third transport beside the extension port and the in-memory one;
 * SourceMux makes the server's many sources look like one page.
 */
import type { BackgroundToPanelMessage, PanelToBackgroundMessage, PanelToHookMessage } from "../../protocol/messages"
import type { PanelToServerMessage } from "../../protocol/standalone"
import { parseServerToPanel } from "../../protocol/standalone-validate"
import { SourceMux, type MuxOutput, type SourceCommand } from "./source-mux"
import { TransportListeners } from "./listeners"
import type { PanelTransport } from "./transport"

/** WebSocket.OPEN, by value: a Node test passes its own socket class and has no global one. */
const SOCKET_OPEN = 1

/** Page-bound messages held while the server is away (as the port transport holds them). */
const MAX_QUEUED = 100

export interface SocketTransportOptions {
  /** The server's /panel socket, token included. */
  socketUrl: string
  /** What the panel shows as the page's address. */
  pageUrl: string
  openSocket?: (url: string) => WebSocket
  minDelayMs?: number
  maxDelayMs?: number
}

export interface SocketTransport extends PanelTransport {
  close(): void
}

export function socketTransport(options: SocketTransportOptions): SocketTransport {
  const openSocket = options.openSocket ?? (url => new WebSocket(url))
  const minDelay = options.minDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 5_000
  const listeners = new TransportListeners()
  const queue: PanelToHookMessage[] = []
  const mux = new SourceMux(options.pageUrl)
  let socket: WebSocket | undefined
  let delay = minDelay
  let retry: ReturnType<typeof setTimeout> | undefined
  let closed = false

  function emit(messages: readonly BackgroundToPanelMessage[]): void {
    for (const message of messages) listeners.emit(message)
  }

  function sendToSources(commands: readonly SourceCommand[]): void {
    for (const { source, message } of commands) {
      if (socket?.readyState === SOCKET_OPEN)
        socket.send(JSON.stringify({ type: "panel/to-source", source, message } satisfies PanelToServerMessage))
    }
  }

  function deliver({ toPanel, toSources }: MuxOutput): void {
    emit(toPanel)
    sendToSources(toSources)
  }

  function connect(): void {
    if (closed) return
    const current = openSocket(options.socketUrl)
    socket = current
    current.onopen = () => {
      delay = minDelay
      listeners.setStatus("connected")
      emit(mux.connected())
      for (const message of queue.splice(0)) deliver(mux.route(message))
    }
    current.onmessage = event => {
      const message = parseServerToPanel(event.data)
      if (!message) return
      deliver(mux.receive(message))
    }
    // onclose follows and retries (and Node's `ws`, which tests use, throws an error nobody hears).
    current.onerror = () => {}
    current.onclose = () => {
      if (socket !== current) return
      socket = undefined
      if (listeners.status === "connected") emit(mux.disconnected())
      listeners.setStatus("disconnected")
      if (closed) return
      retry = setTimeout(connect, delay)
      delay = Math.min(maxDelay, delay * 2)
    }
  }
  connect()

  return {
    send(message: PanelToBackgroundMessage) {
      if (message.type !== "panel/to-page") return
      if (socket?.readyState === SOCKET_OPEN) {
        deliver(mux.route(message.message))
        return
      }
      queue.push(message.message)
      if (queue.length > MAX_QUEUED) queue.shift()
    },
    onMessage: listener => listeners.onMessage(listener),
    onStatus: listener => listeners.onStatus(listener),
    close() {
      closed = true
      clearTimeout(retry)
      socket?.close()
      listeners.clear()
    },
  }
}
