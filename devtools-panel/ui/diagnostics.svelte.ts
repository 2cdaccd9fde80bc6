/**
 * Findings for the views: the detectors watch every message the panel
 * store applies (as the recorder does) and the views read what they found.
 * Findings are published once per applied batch, not per message, and a
 * timer ticks the detectors so silence is noticed when nothing arrives.
 * Findings outlive page reloads; only Clear removes them.
 */
import type { DiagnosticsConfig } from "../diagnostics/config"
import type { NoPath } from "../diagnostics/detectors/no-live-path"
import type { HeartbeatRound } from "../diagnostics/detectors/amplification"
import type { Finding, Severity } from "../diagnostics/finding"
import { PanelDiagnostics } from "../diagnostics/panel-diagnostics"
import { silenceLimitMs } from "../diagnostics/config"
import type { PanelStore } from "./panel-store.svelte"

export interface DiagnosticsOptions {
  config?: Partial<DiagnosticsConfig>
  now?: () => number
  /** False: the detectors watch nothing (the benchmark's "detectors off"). */
  enabled?: boolean
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
  #published = -1
  #roundsSeen = 0
  #scheduled = false

  constructor(store: PanelStore, options: DiagnosticsOptions = {}) {
    this.panel = new PanelDiagnostics(options.config)
    this.config = this.panel.engine.config
    this.#now = options.now ?? Date.now
    this.#enabled = options.enabled !== false
    this.#stop = this.#enabled
      ? store.observe((message, now) => {
          this.panel.receive(message, now)
          this.#schedulePublish()
        })
      : () => {}
  }

  /** Publishes what the detectors found so far (the store's flush schedules it too). */
  refresh(): void {
    this.#scheduled = false
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

  /** Lets the detectors notice silence; returns the stop. */
  startTicking(intervalMs = 1_000): () => void {
    if (!this.#enabled) return () => {}
    const timer = setInterval(() => this.tick(this.#now()), intervalMs)
    return () => clearInterval(timer)
  }

  tick(now: number): void {
    this.panel.tick(now)
    this.refresh()
  }

  clear(): void {
    this.panel.engine.book.clear()
    this.refresh()
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
  }

  #schedulePublish(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => this.refresh())
  }
}
