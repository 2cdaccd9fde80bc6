/**
 * The other tabs of the inspected tab's origin, for the room across tabs.
 * While started (the view is shown), it watches the origin through the
 * background and asks every listed tab for a snapshot of its stores every
 * SNAPSHOT_INTERVAL_MS; each tab's batches go through the panel's one
 * reducer into a state of its own. Stopped, it costs no tab anything: the
 * background stops forwarding and no tab is asked.
 */
import type { BackgroundToPanelMessage, OriginTab } from "../../protocol/messages"
import { SNAPSHOT_INTERVAL_MS } from "../../protocol/origin-tabs"
import { apply } from "../state/apply"
import { comparedTabState, type PanelState } from "../state/panel-state"
import { DEFAULT_SETTLE_MS } from "../state/room-comparison"
import type { PanelTransport } from "../transport/transport"

export { SNAPSHOT_INTERVAL_MS }

export interface ComparedTab {
  readonly tabId: number
  readonly url?: string
  readonly state: PanelState
}

export interface OriginTabsOptions {
  now?: () => number
  /** Schedules applying what arrived; the next animation frame by default. */
  schedule?: (flush: () => void) => void
  /** Starts the periodic snapshot request; returns its stop. setInterval by default. */
  every?: (intervalMs: number, tick: () => void) => () => void
}

type TabMessage = Extract<BackgroundToPanelMessage, { type: "background/origin-tabs" | "background/tab-batch" }>

function nextFrame(flush: () => void): void {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(flush)
  // A hidden panel gets no frames.
  setTimeout(flush, 250)
}

function every(intervalMs: number, tick: () => void): () => void {
  const timer = setInterval(tick, intervalMs)
  return () => clearInterval(timer)
}

export class OriginTabs {
  /** By tab id, in the background's order. */
  tabs: ReadonlyMap<number, ComparedTab> = $state.raw(new Map())
  /** Whether the background has answered with a list since watching started. */
  listed = $state(false)
  /** How long copies may differ after a change before they count as diverged. */
  settleMs = $state(DEFAULT_SETTLE_MS)

  readonly #transport: PanelTransport
  readonly #now: () => number
  readonly #schedule: (flush: () => void) => void
  readonly #every: (intervalMs: number, tick: () => void) => () => void
  #pending: TabMessage[] = []
  #scheduled = false
  #requests = 0
  #stopTimer: (() => void) | undefined
  readonly #unsubscribe: () => void

  constructor(transport: PanelTransport, options: OriginTabsOptions = {}) {
    this.#transport = transport
    this.#now = options.now ?? Date.now
    this.#schedule = options.schedule ?? nextFrame
    this.#every = options.every ?? every
    this.#unsubscribe = transport.onMessage(message => {
      if (message.type !== "background/origin-tabs" && message.type !== "background/tab-batch") return
      if (!this.#stopTimer) return
      this.#pending.push(message)
      if (this.#scheduled) return
      this.#scheduled = true
      this.#schedule(this.flush)
    })
  }

  get watching(): boolean {
    return this.#stopTimer !== undefined
  }

  /** Starts watching and asking; returns the stop (for a view's $effect). */
  start(): () => void {
    if (!this.#stopTimer) {
      this.#transport.send({ type: "panel/watch-origin", watch: true })
      this.#stopTimer = this.#every(SNAPSHOT_INTERVAL_MS, () => this.requestSnapshots())
      this.requestSnapshots()
    }
    return () => this.stop()
  }

  stop(): void {
    if (!this.#stopTimer) return
    this.#stopTimer()
    this.#stopTimer = undefined
    this.#transport.send({ type: "panel/watch-origin", watch: false })
    this.#pending = []
    this.tabs = new Map()
    this.listed = false
  }

  requestSnapshots(): void {
    this.#transport.send({ type: "panel/snapshot-origin", requestId: `tabs-${++this.#requests}` })
  }

  /** Applies everything received so far, now. */
  flush = (): void => {
    this.#scheduled = false
    if (this.#pending.length === 0) return
    const messages = this.#pending
    this.#pending = []
    const now = this.#now()
    let tabs = new Map(this.tabs)
    let newcomers = false
    for (const message of messages) {
      if (message.type === "background/origin-tabs") {
        const listed = relisted(tabs, message.tabs)
        newcomers ||= [...listed.keys()].some(tabId => !tabs.has(tabId))
        tabs = listed
        this.listed = true
        continue
      }
      const tab = tabs.get(message.tabId)
      // A batch from a tab no longer listed (it navigated away) is not this origin's any more.
      if (tab) tabs.set(message.tabId, { ...tab, state: apply(tab.state, message.message, now) })
    }
    this.tabs = tabs
    // A tab that just arrived is asked at once rather than at the next tick.
    if (newcomers) this.requestSnapshots()
  }

  dispose(): void {
    this.stop()
    this.#unsubscribe()
  }
}

/** The background's new list; tabs still listed keep their state. */
function relisted(previous: ReadonlyMap<number, ComparedTab>, list: readonly OriginTab[]): Map<number, ComparedTab> {
  const tabs = new Map<number, ComparedTab>()
  for (const entry of list) {
    if (typeof entry !== "object" || entry === null || !Number.isSafeInteger(entry.tabId)) continue
    const url = typeof entry.url === "string" ? entry.url : undefined
    tabs.set(entry.tabId, {
      tabId: entry.tabId,
      ...(url === undefined ? {} : { url }),
      state: previous.get(entry.tabId)?.state ?? comparedTabState(),
    })
  }
  return tabs
}
