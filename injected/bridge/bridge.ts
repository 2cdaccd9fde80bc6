/**
 * The page end of the panel connection: hears the relay's commands on the
 * private channel, writes what the hook observes into an event tape while a
 * panel listens, and sends it as batches every BATCH_INTERVAL_MS (sooner when
 * the queue grows large), with a heartbeat when there is nothing else to
 * send. While no panel listens nothing is written, no timer runs, nothing is
 * sent.
 */
import {
  BATCH_INTERVAL_MS,
  HEARTBEAT_INTERVAL_MS,
  PROTOCOL_VERSION,
  assertNever,
  type HookToPanelMessage,
  type PanelToHookMessage,
  type RepoSnapshot,
  type SimulatePanelToHookMessage,
} from "../../protocol/messages"
import { checkPanelToHook } from "../../protocol/validate"
import { serialize } from "../../codec/serialize/serialize"
import { buildBatches, DEFAULT_BATCH_LIMITS, type BatchLimits } from "./batcher"
import { Outbox } from "./outbox"
import { writeEvent, type EventFields } from "../../codec/event-tape/event-writer"
import type { EventKind } from "../../codec/event-tape/layout"
import { TapeWriter, type FullSerializer } from "../../codec/event-tape/writer"
import type { HookTransport } from "./transport"

export interface BridgeLimits {
  /** Queued events beyond this drop the oldest (reported as hook/dropped). */
  maxQueuedEvents: number
  /** This many queued events are flushed on the next microtask instead of waiting for the timer. */
  earlyFlushEvents: number
  /** Events posted per flush; the rest follow on the next task, keeping the page responsive. */
  maxEventsPerFlush: number
  /** A tape holding this many events, or about this many JSON chars, is closed and a new one begun. */
  tapeEvents: number
  tapeChars: number
  batch: BatchLimits
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  maxQueuedEvents: 200_000,
  earlyFlushEvents: 5_000,
  maxEventsPerFlush: 20_000,
  tapeEvents: 2_000,
  tapeChars: 1_000_000,
  batch: DEFAULT_BATCH_LIMITS,
}

/** What the hook does for the commands that concern its repos. */
export interface BridgeCommandHandlers {
  /** A panel (re)subscribed: queue repo/registered with a fresh snapshot for every repo. */
  announceRepos(): void
  /** Every registered repo with its model and stores now (for panel/snapshot, which does not subscribe). */
  snapshotRepos(): RepoSnapshot[]
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
  /** How event values that are not plain data are serialised (the sources' own rules); `serialize` by default. */
  serializeValue?: FullSerializer
}

export class HookBridge {
  #listening = false
  #seq = 0
  /** Whether a batch went out since the last heartbeat tick. */
  #sentSinceBeat = false
  #heartbeat: ReturnType<typeof setInterval> | undefined
  /** Random per page load: tells the panel a reload from a reconnect. */
  readonly #instance = Math.random().toString(36).slice(2, 10) + Date.now().toString(36)
  #nextEventId = 1
  /** The tape events are being written into; it joins the outbox when closed. */
  #tape: TapeWriter | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #microtaskPending = false
  readonly #outbox: Outbox
  readonly #limits: BridgeLimits
  readonly #options: BridgeOptions
  readonly #now: () => number
  readonly #serializeValue: FullSerializer
  readonly #listeningListeners = new Set<(listening: boolean) => void>()
  readonly #stopListening: () => void

  constructor(options: BridgeOptions) {
    this.#options = options
    this.#limits = { ...DEFAULT_BRIDGE_LIMITS, ...options.limits }
    this.#outbox = new Outbox(this.#limits.maxQueuedEvents)
    this.#now = options.now ?? Date.now
    this.#serializeValue = options.serializeValue ?? ((value, fullBytes) => serialize(value, fullBytes ? { fullBytes } : undefined))
    this.#stopListening = options.transport.listen(message => this.#onRelayMessage(message))
  }

  /** True while a panel is subscribed. Taps read this on their hot path. */
  get listening(): boolean {
    return this.#listening
  }

  /** Queued events, for diagnostics. */
  get queued(): number {
    return this.#outbox.events + (this.#tape?.events ?? 0)
  }

  /**
   * Records an observed event (only while listening), now: its header and
   * its fields, in the order of the kind's layout. If writing a field
   * throws, the event is taken back out of the tape whole and the error is
   * rethrown to the tap.
   */
  event<K extends EventKind>(repoId: string, kind: K, fields: NoInfer<EventFields<K>>): void {
    if (!this.#listening) return
    this.#tape ??= new TapeWriter(this.#nextEventId, this.#now(), this.#serializeValue)
    const tape = this.#tape
    writeEvent(tape, kind, repoId, this.#now(), fields)
    this.#nextEventId++
    if (tape.events >= this.#limits.tapeEvents || tape.chars >= this.#limits.tapeChars) this.#closeTape()
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

  /** Posts everything queued now (up to maxEntriesPerFlush; the rest is rescheduled). */
  flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#closeTape()
    const entries = this.#outbox.drain(this.#limits.maxEventsPerFlush)
    const dropped = this.#outbox.takeDropped()
    for (const batch of buildBatches(entries, dropped, this.#limits.batch)) {
      this.#sentSinceBeat = true
      try {
        // One string per batch, its seq beside it: see HookToRelayMessage for why.
        this.#options.transport.post({
          type: "page/batch",
          seq: this.#seq++,
          count: batch.count,
          batchJson: `{"messages":[${batch.messages.join(",")}]}`,
        })
      } catch {
        // A closed channel: the batch is lost, the seq gap tells the panel.
      }
    }
    if (this.#outbox.size > 0) this.#timer = setTimeout(() => this.#flushFromTimer(), 0)
  }

  dispose(): void {
    this.#stopListening()
    this.#goIdle()
  }

  #enqueue(message: HookToPanelMessage): void {
    // Events written so far happened before this message: they go first.
    this.#closeTape()
    const weight = message.type === "repo/events" && Array.isArray(message.events) ? message.events.length : 0
    this.#outbox.push({ message, weight })
    this.#schedule()
  }

  #closeTape(): void {
    const tape = this.#tape
    this.#tape = undefined
    if (tape && tape.events > 0) this.#outbox.push({ message: tape.seal(), weight: tape.events })
  }

  #schedule(): void {
    if (this.queued >= this.#limits.earlyFlushEvents) {
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
      this.#tape = undefined
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
    clearInterval(this.#heartbeat)
    this.#heartbeat = listening ? setInterval(() => this.#beat(), HEARTBEAT_INTERVAL_MS) : undefined
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
    this.#tape = undefined
    this.#outbox.clear()
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Tells the panel the page is alive when nothing else has since the last tick. */
  #beat(): void {
    try {
      if (!this.#sentSinceBeat && this.queued === 0) {
        this.#outbox.push({ message: { type: "hook/heartbeat" }, weight: 0 })
        this.flush()
      }
      this.#sentSinceBeat = false
    } catch {
      // A beat that fails is a missed beat: the panel says so after three.
    }
  }

  #onRelayMessage(raw: unknown): void {
    try {
      // The relay checked it already; the hook does not take the relay's word for the page's sake.
      const checked = checkPanelToHook(raw)
      if (checked.ok) this.#handle(checked.value)
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
      case "panel/snapshot":
        // Answered whether or not a panel subscribed: a panel comparing tabs
        // reads other tabs this way instead of making their hooks stream.
        this.reply({
          type: "hook/snapshot",
          requestId: message.requestId,
          protocol: PROTOCOL_VERSION,
          hookVersion: this.#options.hookVersion,
          url: this.#options.url(),
          instance: this.#instance,
          repos: this.#options.handlers.snapshotRepos(),
        })
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
      case "simulate/network":
        this.#options.handlers.simulate?.(message)
        return
      default:
        assertNever(message)
    }
  }
}
