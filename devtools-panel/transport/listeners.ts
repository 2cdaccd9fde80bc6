/**
 * The listener side that the port and socket transports share: who hears
 * the messages and the link's status, and the status itself. A new status
 * listener hears the current status at once, and setting the same status
 * again tells no one, so views never see a change that did not happen.
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import type { TransportStatus } from "./transport"

export class TransportListeners {
  readonly #messageListeners = new Set<(message: BackgroundToPanelMessage) => void>()
  readonly #statusListeners = new Set<(status: TransportStatus) => void>()
  #status: TransportStatus = "connecting"

  get status(): TransportStatus {
    return this.#status
  }

  setStatus(next: TransportStatus): void {
    if (next === this.#status) return
    this.#status = next
    for (const listener of this.#statusListeners) listener(next)
  }

  emit(message: BackgroundToPanelMessage): void {
    for (const listener of this.#messageListeners) listener(message)
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

  clear(): void {
    this.#messageListeners.clear()
    this.#statusListeners.clear()
  }
}
