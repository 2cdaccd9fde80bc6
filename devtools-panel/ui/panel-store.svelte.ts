/**
 * The panel's live state: messages from the transport are queued and applied
 * through the reducer at most once per animation frame while the panel is
 * visible, so thousands of events per second cost one render per frame, and
 * as they arrive while it is hidden (see flush-scheduler.ts).
 */
import type { BackgroundToPanelMessage, PanelToHookMessage } from "../../protocol/messages"
import { apply } from "../state/apply"
import { initialState, type PanelState } from "../state/panel-state"
import type { PanelTransport, TransportStatus } from "../transport/transport"
import { flushScheduler } from "./flush-scheduler"

export interface PanelStoreOptions {
  /** Event-log capacity (default 100,000). */
  logCapacity?: number
  now?: () => number
  /** Schedules the coalesced flush; defaults to the next animation frame (at once when hidden). */
  schedule?: (flush: () => void) => void
}

/**
 * Sees every message as the reducer applies it, with the same `now` and the
 * states around it (the recorder keeps exactly what the panel applied).
 * Observers must not call `flush()`.
 */
export type MessageObserver = (message: BackgroundToPanelMessage, now: number, before: PanelState, after: PanelState) => void

export class PanelStore {
  state: PanelState = $state.raw(initialState())
  link: TransportStatus = $state("connecting")

  readonly #transport: PanelTransport
  readonly #now: () => number
  readonly #schedule: (flush: () => void) => void
  #pending: BackgroundToPanelMessage[] = []
  #scheduled = false
  readonly #observers = new Set<MessageObserver>()
  readonly #unsubscribe: Array<() => void>

  constructor(transport: PanelTransport, options: PanelStoreOptions = {}) {
    this.#transport = transport
    this.#now = options.now ?? Date.now
    this.#schedule = options.schedule ?? flushScheduler()
    this.state = initialState(options.logCapacity)
    this.#unsubscribe = [transport.onMessage(message => this.#receive(message)), transport.onStatus(status => (this.link = status))]
  }

  /** Applies everything received so far, now. */
  flush = (): void => {
    this.#scheduled = false
    if (this.#pending.length === 0) return
    const messages = this.#pending
    this.#pending = []
    const now = this.#now()
    let next = this.state
    for (const message of messages) {
      const before = next
      next = apply(next, message, now)
      for (const observer of this.#observers) observer(message, now, before, next)
    }
    this.state = next
  }

  /** The link to the background, for what talks to it besides this store (the room across tabs). */
  get transport(): PanelTransport {
    return this.#transport
  }

  /** Returns the function that stops observing. */
  observe(observer: MessageObserver): () => void {
    this.#observers.add(observer)
    return () => this.#observers.delete(observer)
  }

  /**
   * A change that comes from the panel itself, not the page (the log's
   * pause, clear and buffer size): applied after everything received so far,
   * as a pure function of the state like the reducer.
   */
  change(update: (state: PanelState) => PanelState): void {
    this.flush()
    this.state = update(this.state)
  }

  /** Sends a message to the inspected page's hook. */
  toPage(message: PanelToHookMessage): void {
    this.#transport.send({ type: "panel/to-page", message })
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe()
  }

  #receive(message: BackgroundToPanelMessage): void {
    // Other tabs of the site are the room across tabs' business (origin-tabs.svelte.ts):
    // this state, and what records it, hold the inspected tab only.
    if (message.type === "background/origin-tabs" || message.type === "background/tab-batch") return
    this.#pending.push(message)
    if (this.#scheduled) return
    this.#scheduled = true
    this.#schedule(this.flush)
  }
}
