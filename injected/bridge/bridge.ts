/**
 * The page end of the panel connection: hears the relay's commands on the
 * window (only from this window, only with the nonce the relay announced in
 * its relay/hello), queues what the hook observes while a panel listens, and posts it
 * as batches every BATCH_INTERVAL_MS (sooner when the queue grows large).
 * While no panel listens nothing is queued, no timer runs, nothing is posted.
 */
import {
  BATCH_INTERVAL_MS,
  PAGE_SOURCE,
  PROTOCOL_VERSION,
  assertNever,
  type HookToPanelMessage,
  type PageWindowEnvelope,
  type PanelToHookMessage,
  type SimulatePanelToHookMessage,
} from "../../protocol/messages"
import { checkRelayEnvelope } from "../../protocol/validate"
import { buildBatches, DEFAULT_BATCH_LIMITS, type BatchLimits } from "./batcher"
import { Outbox, type EventBuilder } from "./outbox"
import type { HookTransport, WindowMessage } from "./transport"

export interface BridgeLimits {
  /** Queued events beyond this drop the oldest (reported as hook/dropped). */
  maxQueuedEvents: number
  /** A queue this long is flushed on the next microtask instead of waiting for the timer. */
  earlyFlushEntries: number
  /** Entries serialised per flush; the rest follow on the next task, keeping the page responsive. */
  maxEntriesPerFlush: number
  batch: BatchLimits
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  maxQueuedEvents: 200_000,
  earlyFlushEntries: 5_000,
  maxEntriesPerFlush: 20_000,
  batch: DEFAULT_BATCH_LIMITS,
}

/** What the hook does for the commands that concern its repos. */
export interface BridgeCommandHandlers {
  /** A panel (re)subscribed: queue repo/registered with a fresh snapshot for every repo. */
  announceRepos(): void
  attachPath(requestId: string, path: string): void
  scan(): void
  /** simulate/* requests (optional: a hook without simulation answers nothing). */
  simulate?(message: SimulatePanelToHookMessage): void
  /** The last panel unsubscribed: whatever it started and did not ask to keep should stop. */
  panelGone?(): void
}

export interface BridgeOptions {
  transport: HookTransport
  hookVersion: string
  url: () => string
  handlers: BridgeCommandHandlers
  now?: () => number
  limits?: Partial<BridgeLimits>
}

export class HookBridge {
  #listening = false
  /** Pinned by relay/hello; envelopes with any other nonce are ignored. */
  #relayNonce: string | undefined
  #seq = 0
  /** Random per page load: tells the panel a reload from a reconnect. */
  readonly #instance = Math.random().toString(36).slice(2, 10) + Date.now().toString(36)
  #nextEventId = 1
  #timer: ReturnType<typeof setTimeout> | undefined
  #microtaskPending = false
  readonly #outbox: Outbox
  readonly #limits: BridgeLimits
  readonly #options: BridgeOptions
  readonly #now: () => number
  readonly #commandListeners = new Set<(message: PanelToHookMessage) => void>()
  readonly #listeningListeners = new Set<(listening: boolean) => void>()
  readonly #stopListening: () => void

  constructor(options: BridgeOptions) {
    this.#options = options
    this.#limits = { ...DEFAULT_BRIDGE_LIMITS, ...options.limits }
    this.#outbox = new Outbox(this.#limits.maxQueuedEvents)
    this.#now = options.now ?? Date.now
    this.#stopListening = options.transport.listen(event => this.#onWindowMessage(event))
  }

  /** True while a panel is subscribed. Taps read this on their hot path. */
  get listening(): boolean {
    return this.#listening
  }

  /** Queued entries, for diagnostics. */
  get queued(): number {
    return this.#outbox.size
  }

  /** Records an observed event (only while listening); `build` runs at flush time. */
  event(repoId: string, build: EventBuilder): void {
    if (!this.#listening) return
    this.#outbox.push({ kind: "event", base: { id: this.#nextEventId++, repoId, t: this.#now() }, build })
    this.#schedule()
  }

  /** Queues a message for the panel (dropped while no panel listens). */
  send(message: HookToPanelMessage): void {
    if (!this.#listening) return
    this.#enqueue(message)
  }

  /** Queues the answer to a command: sent even if the panel has not subscribed. */
  reply(message: HookToPanelMessage): void {
    this.#enqueue(message)
  }

  onCommand(listener: (message: PanelToHookMessage) => void): () => void {
    this.#commandListeners.add(listener)
    return () => this.#commandListeners.delete(listener)
  }

  /** Posts everything queued now (up to maxEntriesPerFlush; the rest is rescheduled). */
  flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const entries = this.#outbox.drain(this.#limits.maxEntriesPerFlush)
    const dropped = this.#outbox.takeDropped()
    for (const messages of buildBatches(entries, dropped, this.#limits.batch)) {
      try {
        // One string per batch: see PageWindowEnvelope for why.
        const envelope: PageWindowEnvelope = {
          source: PAGE_SOURCE,
          protocol: PROTOCOL_VERSION,
          batchJson: JSON.stringify({ seq: this.#seq++, messages }),
        }
        this.#options.transport.post(envelope)
      } catch {
        // A detached window or a clone failure: the batch is lost, the seq gap tells the panel.
      }
    }
    if (this.#outbox.size > 0) this.#timer = setTimeout(() => this.#flushFromTimer(), 0)
  }

  dispose(): void {
    this.#stopListening()
    this.#goIdle()
    this.#commandListeners.clear()
  }

  #enqueue(message: HookToPanelMessage): void {
    const weight = message.type === "repo/events" ? message.events.length : 0
    this.#outbox.push({ kind: "message", message, weight })
    this.#schedule()
  }

  #schedule(): void {
    if (this.#outbox.size >= this.#limits.earlyFlushEntries) {
      if (this.#microtaskPending) return
      this.#microtaskPending = true
      queueMicrotask(() => {
        this.#microtaskPending = false
        this.#flushFromTimer()
      })
      return
    }
    this.#timer ??= setTimeout(() => this.#flushFromTimer(), BATCH_INTERVAL_MS)
  }

  /** Timers and microtasks run outside any page call stack: an error there must not surface either. */
  #flushFromTimer(): void {
    try {
      this.flush()
    } catch {
      this.#outbox.clear()
    }
  }

  /**
   * Told when a panel starts or stops listening: taps that cost something
   * even when they only count (emitter and store subscriptions) attach then.
   */
  onListeningChange(listener: (listening: boolean) => void): () => void {
    this.#listeningListeners.add(listener)
    return () => this.#listeningListeners.delete(listener)
  }

  #setListening(listening: boolean): void {
    if (this.#listening === listening) return
    this.#listening = listening
    for (const listener of Array.from(this.#listeningListeners)) {
      try {
        listener(listening)
      } catch {
        // A tap's failure to (de)attach is its own; it reports it itself.
      }
    }
  }

  #goIdle(): void {
    this.#setListening(false)
    this.#outbox.clear()
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #onWindowMessage(event: WindowMessage): void {
    try {
      if (event.source !== this.#options.transport.self) return
      const checked = checkRelayEnvelope(event.data)
      if (!checked.ok) return
      const { nonce, message } = checked.value
      if (message.type === "relay/hello") {
        // The relay's first envelope, posted before any page script ran: the
        // nonce it carries is the relay's. A later hello is a page posing.
        this.#relayNonce ??= nonce
        return
      }
      if (nonce !== this.#relayNonce) return
      this.#handle(message)
      for (const listener of this.#commandListeners) {
        try {
          listener(message)
        } catch {
          // A listener's bug stays with the listener.
        }
      }
    } catch {
      // Nothing the panel sends may break the page.
    }
  }

  #handle(message: PanelToHookMessage): void {
    switch (message.type) {
      case "panel/subscribe":
        // Full resync. Events already observed still go out first: a panel that
        // re-subscribes after a service-worker restart must not miss them.
        if (this.#listening) this.flush()
        this.#setListening(true)
        this.send({
          type: "hook/hello",
          protocol: PROTOCOL_VERSION,
          hookVersion: this.#options.hookVersion,
          url: this.#options.url(),
          instance: this.#instance,
        })
        this.#options.handlers.announceRepos()
        return
      case "panel/unsubscribe":
        this.#goIdle()
        this.#options.handlers.panelGone?.()
        return
      case "panel/ping":
        this.reply({ type: "hook/pong", nonce: message.nonce })
        return
      case "attach/path":
        this.#options.handlers.attachPath(message.requestId, message.path)
        return
      case "discovery/scan":
        this.#options.handlers.scan()
        return
      case "simulate/add":
      case "simulate/update":
      case "simulate/pause":
      case "simulate/remove":
      case "simulate/remove-all":
      case "simulate/set-keep-on-close":
        this.#options.handlers.simulate?.(message)
        return
      default:
        assertNever(message)
    }
  }
}
