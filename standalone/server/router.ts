/**
 * The standalone server's routing, apart from its sockets: Node hooks
 * ("sources") on one side, panel pages on the other. Like the extension's
 * tab router it keeps only what it can rebuild: who is connected, and each
 * source's label. Batches pass through as text.
 *
 * - Every panel sees every source's batches; a panel's message goes to the
 *   one source it names.
 * - When the last panel leaves, every source is told panel/unsubscribe and
 *   its hook goes idle; a source that connects while no panel listens is
 *   told so at once (its hook may still be listening from before).
 */
import { PROTOCOL_VERSION } from "../../protocol/messages"
import type {
  PanelToServerMessage,
  ServerToPanelMessage,
  ServerToSourceMessage,
  SourceInfo,
  SourceToServerMessage,
} from "../../protocol/standalone"
import { CLOSE_BAD_HELLO, CLOSE_PROTOCOL_MISMATCH } from "../../protocol/standalone"
import { parsePanelToServer, parseSourceToServer, speaksOurProtocol } from "../../protocol/standalone-validate"

/** What the router needs of a socket. */
export interface RoutedSocket {
  send(text: string): void
  close(code: number, reason: string): void
}

/** Sources that went away are still listed (gone) up to this many. */
const MAX_GONE_SOURCES = 50

interface SourceEntry {
  info: SourceInfo
  socket: RoutedSocket | undefined
}

export type RouterLog = (line: string) => void

export class StandaloneRouter {
  readonly #sources = new Map<string, SourceEntry>()
  /** Sockets that connected to /hook and have not said hello yet, or said it and are now this source. */
  readonly #sourceOf = new Map<RoutedSocket, string | undefined>()
  readonly #panels = new Set<RoutedSocket>()
  readonly #log: RouterLog

  constructor(log: RouterLog = () => {}) {
    this.#log = log
  }

  get panelCount(): number {
    return this.#panels.size
  }

  sources(): SourceInfo[] {
    return [...this.#sources.values()].map(entry => entry.info)
  }

  // --- sources -------------------------------------------------------------

  acceptSource(socket: RoutedSocket): void {
    this.#sourceOf.set(socket, undefined)
  }

  receiveFromSource(socket: RoutedSocket, text: unknown): void {
    if (!this.#sourceOf.has(socket)) return
    const message = parseSourceToServer(text)
    const source = this.#sourceOf.get(socket)
    if (!message) return
    if (message.type === "source/hello") {
      this.#hello(socket, message)
      return
    }
    if (source === undefined) {
      socket.close(CLOSE_BAD_HELLO, "source/hello first")
      return
    }
    if (message.type === "source/batch") this.#toPanels({ type: "server/batch", source, batchJson: message.batchJson })
    else this.#toPanels({ type: "server/lost", source, count: message.count })
  }

  dropSource(socket: RoutedSocket): void {
    const source = this.#sourceOf.get(socket)
    this.#sourceOf.delete(socket)
    const entry = source === undefined ? undefined : this.#sources.get(source)
    if (!entry || entry.socket !== socket) return
    entry.socket = undefined
    entry.info = { ...entry.info, connected: false }
    this.#log(`source gone: ${entry.info.label}`)
    this.#toPanels({ type: "server/source", source: entry.info })
    this.#forgetOldGone()
  }

  #hello(socket: RoutedSocket, hello: Extract<SourceToServerMessage, { type: "source/hello" }>): void {
    if (!speaksOurProtocol(hello)) {
      this.#log(
        `refused ${hello.label}: it speaks protocol ${hello.protocol}, this panel ${PROTOCOL_VERSION} (use the same ephemera-devtools version in both)`,
      )
      socket.close(CLOSE_PROTOCOL_MISMATCH, `this panel speaks protocol ${PROTOCOL_VERSION}`)
      return
    }
    if (this.#sourceOf.get(socket) !== undefined) return
    const previous = this.#sources.get(hello.source)
    // The same process on a new socket: the old one is stale.
    if (previous?.socket && previous.socket !== socket) {
      this.#sourceOf.delete(previous.socket)
      previous.socket.close(1000, "replaced by a new connection")
    }
    this.#sourceOf.set(socket, hello.source)
    const info: SourceInfo = { source: hello.source, label: hello.label, connected: true }
    this.#sources.delete(hello.source)
    this.#sources.set(hello.source, { info, socket })
    this.#log(`source connected: ${hello.label}`)
    if (this.#panels.size === 0) this.#toSource(socket, { type: "panel/unsubscribe" })
    this.#toPanels({ type: "server/source", source: info })
  }

  #forgetOldGone(): void {
    const gone = [...this.#sources.values()].filter(entry => !entry.info.connected)
    for (const entry of gone.slice(0, Math.max(0, gone.length - MAX_GONE_SOURCES))) this.#sources.delete(entry.info.source)
  }

  // --- panels --------------------------------------------------------------

  acceptPanel(socket: RoutedSocket): void {
    this.#panels.add(socket)
    this.#send(socket, { type: "server/sources", sources: this.sources() })
  }

  receiveFromPanel(socket: RoutedSocket, text: unknown): void {
    if (!this.#panels.has(socket)) return
    const message: PanelToServerMessage | undefined = parsePanelToServer(text)
    const target = message && this.#sources.get(message.source)?.socket
    if (message && target) this.#toSource(target, message.message)
  }

  dropPanel(socket: RoutedSocket): void {
    if (!this.#panels.delete(socket) || this.#panels.size > 0) return
    for (const entry of this.#sources.values()) if (entry.socket) this.#toSource(entry.socket, { type: "panel/unsubscribe" })
  }

  // --- sending -------------------------------------------------------------

  #toSource(socket: RoutedSocket, message: ServerToSourceMessage["message"]): void {
    this.#send(socket, { type: "server/to-hook", message } satisfies ServerToSourceMessage)
  }

  #toPanels(message: ServerToPanelMessage): void {
    if (this.#panels.size === 0) return
    const text = JSON.stringify(message)
    for (const panel of this.#panels) this.#sendText(panel, text)
  }

  #send(socket: RoutedSocket, message: ServerToPanelMessage | ServerToSourceMessage): void {
    this.#sendText(socket, JSON.stringify(message))
  }

  #sendText(socket: RoutedSocket, text: string): void {
    try {
      socket.send(text)
    } catch {
      // A socket closing under us: its close handler drops it.
    }
  }
}
