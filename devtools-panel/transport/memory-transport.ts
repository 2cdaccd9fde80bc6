/**
 * An in-memory transport: tests (and any host without extension ports) push
 * background messages in and read what the panel sent.
 */
import type { BackgroundToPanelMessage, PanelToBackgroundMessage, PanelToHookMessage } from "../../protocol/messages"
import type { PanelTransport, TransportStatus } from "./transport"

export class MemoryTransport implements PanelTransport {
  readonly sent: PanelToBackgroundMessage[] = []
  #status: TransportStatus
  readonly #messageListeners = new Set<(message: BackgroundToPanelMessage) => void>()
  readonly #statusListeners = new Set<(status: TransportStatus) => void>()

  constructor(status: TransportStatus = "connected") {
    this.#status = status
  }

  send(message: PanelToBackgroundMessage): void {
    this.sent.push(message)
  }

  onMessage(listener: (message: BackgroundToPanelMessage) => void): () => void {
    this.#messageListeners.add(listener)
    return () => this.#messageListeners.delete(listener)
  }

  onStatus(listener: (status: TransportStatus) => void): () => void {
    this.#statusListeners.add(listener)
    listener(this.#status)
    return () => this.#statusListeners.delete(listener)
  }

  /** Delivers messages as if the background had sent them. */
  deliver(...messages: BackgroundToPanelMessage[]): void {
    for (const message of messages) for (const listener of this.#messageListeners) listener(message)
  }

  setStatus(status: TransportStatus): void {
    this.#status = status
    for (const listener of this.#statusListeners) listener(status)
  }

  /** The messages meant for the page hook, in order. */
  sentToPage(): PanelToHookMessage[] {
    return this.sent.flatMap(message => (message.type === "panel/to-page" ? [message.message] : []))
  }
}
