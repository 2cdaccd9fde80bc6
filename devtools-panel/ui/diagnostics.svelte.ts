/**
 * Findings for the views: the detectors watch every message the panel
 * store applies (as the recorder does) and the views read what they found.
 *
 * The store's observer only queues the message; the detectors run in tasks
 * of their own, a few milliseconds at a time, so they never lengthen the
 * frame that renders the panel. Findings are published after each such
 * task, and a timer ticks the detectors so silence is noticed when nothing
 * arrives. Findings outlive page reloads; only Clear removes them.
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import type { DiagnosticsConfig } from "../diagnostics/config"
import { silenceLimitMs } from "../diagnostics/config"
import type { HeartbeatRound } from "../diagnostics/detectors/amplification"
import type { NoPath } from "../diagnostics/detectors/no-live-path"
import type { Finding, Severity } from "../diagnostics/finding"
import { PanelDiagnostics } from "../diagnostics/panel-diagnostics"
import type { PanelStore } from "./panel-store.svelte"

/** Detector work per task: well under the 50 ms of a long task. */
const SLICE_MS = 6
/** Past this many queued messages (a hidden panel's timers run once a second), a task takes them all. */
const MAX_BACKLOG = 5_000

export interface DiagnosticsOptions {
  config?: Partial<DiagnosticsConfig>
  now?: () => number
  /** False: the detectors watch nothing (the benchmark's "detectors off"). */
  enabled?: boolean
  /** Runs the detectors' next slice; a task of its own by default. Tests may run it at once. */
  schedule?: (run: () => void) => void
}

export class Diagnostics {
  /** Newest activity first. */
  findings: readonly Finding[] = $state.raw([])
  counts: Readonly<Record<Severity, number>> = $state.raw({ error: 0, warning: 0, info: 0 })
  /** Bumped whenever anything the views derive from the detectors may have changed. */
  version = $state(0)
  config: DiagnosticsConfig = $state.raw() as DiagnosticsConfig

  readonly panel: PanelDiagnostics
  readonly #now: () => number
  readonly #stop: () => void
  readonly #enabled: boolean
  readonly #schedule: (run: () => void) => void
  readonly #queue: Array<{ message: BackgroundToPanelMessage; now: number }> = []
  #scheduled = false
  #published = -1
  #roundsSeen = 0

  constructor(store: PanelStore, options: DiagnosticsOptions = {}) {
    this.panel = new PanelDiagnostics(options.config)
    this.config = this.panel.engine.config
    this.#now = options.now ?? Date.now
    this.#enabled = options.enabled !== false
    this.#schedule = options.schedule ?? (run => setTimeout(run, 0))
    this.#stop = this.#enabled
      ? store.observe((message, now) => {
          this.#queue.push({ message, now })
          this.#scheduleSlice()
        })
      : () => {}
  }

  /** Runs the detectors over everything queued and publishes what they found. */
  refresh(): void {
    this.#run(Infinity)
  }

  /** Lets the detectors notice silence; returns the stop. */
  startTicking(intervalMs = 1_000): () => void {
    if (!this.#enabled) return () => {}
    const timer = setInterval(() => this.tick(this.#now()), intervalMs)
    return () => clearInterval(timer)
  }

  tick(now: number): void {
    this.#run(Infinity)
    this.panel.tick(now)
    this.#publish()
  }

  clear(): void {
    this.panel.engine.book.clear()
    this.#publish()
  }

  configure(patch: Partial<DiagnosticsConfig>): void {
    this.panel.engine.configure(patch)
    this.config = this.panel.engine.config
  }

  noPath(repoId: string, peerId: string): NoPath | undefined {
    return this.panel.engine.liveness.noPath(repoId, peerId)
  }

  heardVia(repoId: string, peerId: string): { channelId: number; relay?: string } | undefined {
    return this.panel.engine.liveness.heardVia(repoId, peerId)
  }

  isStale(repoId: string, key: string, now: number): boolean {
    return this.panel.engine.liveness.isStale(repoId, key, now, silenceLimitMs(this.config))
  }

  rounds(repoId: string): readonly HeartbeatRound[] {
    return this.panel.engine.amplification.rounds(repoId)
  }

  dispose(): void {
    this.#stop()
    this.#queue.length = 0
  }

  #scheduleSlice(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    this.#schedule(() => {
      this.#scheduled = false
      this.#run(this.#queue.length > MAX_BACKLOG ? Infinity : SLICE_MS)
    })
  }

  /** Feeds queued messages to the detectors for at most `sliceMs`, then publishes. */
  #run(sliceMs: number): void {
    const queue = this.#queue
    const deadline = performance.now() + sliceMs
    let done = 0
    while (done < queue.length) {
      const { message, now } = queue[done++]!
      this.panel.receive(message, now)
      if ((done & 7) === 0 && performance.now() > deadline) break
    }
    queue.splice(0, done)
    if (queue.length > 0) this.#scheduleSlice()
    this.#publish()
  }

  #publish(): void {
    const { book, amplification } = this.panel.engine
    if (book.version === this.#published && amplification.completed === this.#roundsSeen) return
    this.#roundsSeen = amplification.completed
    if (book.version !== this.#published) {
      this.#published = book.version
      this.findings = book.list()
      this.counts = book.counts()
    }
    this.version++
  }
}
