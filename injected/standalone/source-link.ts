/**
 * The hook's link to the standalone server, for a hook running in a Node
 * process: a HookTransport over a WebSocket that comes back by itself.
 *
 * It plays the part the content relay's private channel plays in a browser:
 * the bridge hears the panel's commands from it, and what the bridge posts
 * goes out as source/batch frames. (The panel numbers every source's batches
 * itself; what a source could not deliver it reports as source/lost.)
 *
 * - While no panel listens the hook is idle (the server sends
 *   panel/unsubscribe when the last panel leaves), so the link only holds an
 *   idle socket, or tries to open one, with backoff, up to once every
 *   `maxDelayMs`.
 * - When the server goes away, batches are held in a bounded buffer and sent
 *   when it is back; after `graceMs` without it the hook is told the panel is
 *   gone and goes idle. What did not fit is reported as source/lost.
 * - Nothing here throws into the app: socket errors, refused connections
 *   and bad frames are swallowed (a refusal is reported once, to `onRefused`).
 */
import { type HookToRelayMessage, PROTOCOL_VERSION, type PanelToHookMessage } from "../../protocol/messages"
import type { SourceToServerMessage } from "../../protocol/standalone"
import { parseServerToSource } from "../../protocol/standalone-validate"
import type { HookTransport } from "../bridge/transport"
import { Backoff } from "./backoff"
import { BatchBuffer } from "./batch-buffer"
import { SOCKET_OPEN, type OpenSocket, type SocketLike } from "./socket-like"

export interface SourceLinkOptions {
  /** The socket's full URL, token included (standalone/node builds it). */
  url: string
  openSocket: OpenSocket
  /** Random per process: the panel tells processes apart by it. */
  source: string
  label: string
  minDelayMs?: number
  maxDelayMs?: number
  /** How long batches are held for a server that went away before the hook goes idle. */
  graceMs?: number
  /** Characters of batches held while the server is away or slow. */
  maxBufferedChars?: number
  /** Above this many bytes queued in the socket, batches wait in the buffer instead. */
  maxSocketBytes?: number
  /** Told when the server refuses the connection (a wrong token, say); once until a connection holds again. */
  onRefused?: (reason: string) => void
}

type LinkLimits = Required<Pick<SourceLinkOptions, "minDelayMs" | "maxDelayMs" | "graceMs" | "maxBufferedChars" | "maxSocketBytes">>

export const DEFAULT_LINK_LIMITS: LinkLimits = {
  minDelayMs: 250,
  maxDelayMs: 10_000,
  graceMs: 3_000,
  maxBufferedChars: 8_000_000,
  maxSocketBytes: 4_000_000,
}

export class SourceLink implements HookTransport {
  readonly #options: SourceLinkOptions & LinkLimits
  #listener: ((message: unknown) => void) | undefined
  readonly #buffer: BatchBuffer
  readonly #backoff: Backoff
  #socket: SocketLike | undefined
  #open = false
  #closed = false
  #refusalTold = false
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #graceTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: SourceLinkOptions) {
    this.#options = { ...DEFAULT_LINK_LIMITS, ...options }
    this.#buffer = new BatchBuffer(this.#options.maxBufferedChars)
    this.#backoff = new Backoff(this.#options.minDelayMs, this.#options.maxDelayMs)
    this.#connect()
  }

  /** True while the socket to the server is open. */
  get connected(): boolean {
    return this.#open
  }

  post(message: HookToRelayMessage): void {
    if (this.#closed || message.type !== "page/batch") return
    const text = JSON.stringify({ type: "source/batch", batchJson: message.batchJson } satisfies SourceToServerMessage)
    const socket = this.#socket
    if (this.#open && socket && this.#buffer.size === 0 && socket.bufferedAmount < this.#options.maxSocketBytes) {
      this.#sendNow(text)
      return
    }
    this.#buffer.push({ text, count: message.count })
    if (this.#open) this.#flushBuffer()
  }

  listen(listener: (message: unknown) => void): () => void {
    this.#listener = listener
    return () => {
      if (this.#listener === listener) this.#listener = undefined
    }
  }

  /** Closes the socket for good (the last repo of the process disconnected). */
  close(): void {
    this.#closed = true
    clearTimeout(this.#retryTimer)
    clearTimeout(this.#graceTimer)
    this.#buffer.drain()
    const socket = this.#socket
    this.#socket = undefined
    this.#open = false
    try {
      socket?.close(1000, "disconnected")
    } catch {
      // Already closing.
    }
  }

  #connect(): void {
    if (this.#closed) return
    let socket: SocketLike
    try {
      socket = this.#options.openSocket(this.#options.url)
    } catch {
      this.#retryLater()
      return
    }
    this.#socket = socket
    // Followed by onclose, which retries; an unheard error event would throw in Node's `ws`.
    socket.onerror = event => this.#guard(() => this.#onError(event))
    socket.onopen = () => this.#guard(() => this.#onOpen(socket))
    socket.onmessage = event => this.#guard(() => this.#onFrame(socket, event.data))
    socket.onclose = () => this.#guard(() => this.#onClose(socket))
  }

  #onOpen(socket: SocketLike): void {
    if (socket !== this.#socket) return
    this.#open = true
    this.#refusalTold = false
    this.#backoff.reset()
    clearTimeout(this.#graceTimer)
    this.#graceTimer = undefined
    const hello: SourceToServerMessage = {
      type: "source/hello",
      protocol: PROTOCOL_VERSION,
      source: this.#options.source,
      label: this.#options.label,
    }
    this.#sendNow(JSON.stringify(hello))
    this.#flushBuffer()
  }

  #onFrame(socket: SocketLike, data: unknown): void {
    if (socket !== this.#socket) return
    const text = typeof data === "string" ? data : String(data)
    const message = parseServerToSource(text)
    if (message) this.#deliver(message.message)
  }

  /** The server answering the upgrade with 401 or 403 refused our token or our origin: say so once per refusal streak, and keep trying. */
  #onError(event: unknown): void {
    const message = (event as { message?: unknown } | null)?.message
    if (typeof message === "string" && /\b40[13]\b/.test(message)) this.#tellRefused(message)
  }

  #onClose(socket: SocketLike): void {
    if (socket !== this.#socket) return
    this.#socket = undefined
    this.#open = false
    if (this.#closed) return
    // Batches wait for the server a little; after that the hook stops writing them.
    this.#graceTimer ??= unrefTimer(
      setTimeout(() => {
        this.#graceTimer = undefined
        if (this.#open) return
        this.#buffer.discard()
        this.#deliver({ type: "panel/unsubscribe" })
      }, this.#options.graceMs),
    )
    this.#retryLater()
  }

  #tellRefused(reason: string): void {
    if (this.#refusalTold) return
    this.#refusalTold = true
    try {
      this.#options.onRefused?.(reason)
    } catch {
      // The app's callback is its own.
    }
  }

  #retryLater(): void {
    if (this.#closed) return
    clearTimeout(this.#retryTimer)
    this.#retryTimer = unrefTimer(setTimeout(() => this.#connect(), this.#backoff.next()))
  }

  #flushBuffer(): void {
    const socket = this.#socket
    if (!this.#open || !socket) return
    const lost = this.#buffer.takeLost()
    if (lost > 0) this.#sendNow(JSON.stringify({ type: "source/lost", count: lost } satisfies SourceToServerMessage))
    const batches = this.#buffer.drain()
    let index = 0
    for (; index < batches.length && socket.bufferedAmount < this.#options.maxSocketBytes; index++) this.#sendNow(batches[index]!.text)
    // Still too much queued in the socket: the rest waits for the next post.
    for (; index < batches.length; index++) this.#buffer.push(batches[index]!)
  }

  #sendNow(text: string): void {
    try {
      if (this.#socket?.readyState === SOCKET_OPEN) this.#socket.send(text)
    } catch {
      // A socket closing under us: onclose follows.
    }
  }

  #deliver(message: PanelToHookMessage): void {
    try {
      this.#listener?.(message)
    } catch {
      // The bridge never throws; if it did, the app would not hear of it either.
    }
  }

  #guard(action: () => void): void {
    try {
      action()
    } catch {
      // Never into the app's event loop.
    }
  }
}

/** A timer that does not keep a Node process alive on its own (a no-op elsewhere). */
function unrefTimer(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  ;(timer as { unref?: () => void }).unref?.()
  return timer
}
