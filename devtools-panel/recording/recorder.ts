/**
 * The recorder: sees every message the panel applies (with the reducer's own
 * `now` and the states around it) and keeps the chosen repos' part of it,
 * after a checkpoint of how things stood when recording began, with a new
 * checkpoint every few seconds. Pure bookkeeping: the caller decides when to
 * start, stop and mark.
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import type { PanelState } from "../state/panel-state"
import { checkpointOf } from "./checkpoint"
import type { RecordingLine } from "./format"
import { RepoFilter } from "./repo-filter"
import { eventsIn } from "./validate-lines"

export const CHECKPOINT_EVERY_MS = 10_000

export interface RecorderOptions {
  /** Labels of the repos to record; empty or absent: every repo. */
  labels?: readonly string[]
  /** Keep recording when the page reloads (else the recording ends there). */
  acrossReloads: boolean
  checkpointEveryMs?: number
}

export type EndReason = "stopped" | "page reloaded"

export interface RecordedSession {
  lines: RecordingLine[]
  startedAt: number
  endedAt: number
  /** The inspected page's origin when recording started ("" when unknown). */
  origin: string
  acrossReloads: boolean
  endReason: EndReason
}

export interface RecorderStats {
  messages: number
  events: number
  marks: number
  startedAt: number
  lastT: number
}

function originOf(state: PanelState): string {
  const url = state.hook?.url ?? state.page.url
  try {
    return url ? new URL(url).origin : ""
  } catch {
    return ""
  }
}

export class Recorder {
  readonly lines: RecordingLine[] = []
  readonly startedAt: number
  readonly origin: string
  readonly acrossReloads: boolean
  readonly #filter: RepoFilter
  readonly #checkpointEveryMs: number
  #lastT: number
  #lastCheckpointAt: number
  #messages = 0
  #events = 0
  #marks = 0
  #ended: EndReason | undefined

  constructor(state: PanelState, now: number, options: RecorderOptions) {
    this.#filter = new RepoFilter(options.labels)
    this.#checkpointEveryMs = options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS
    this.acrossReloads = options.acrossReloads
    this.startedAt = now
    this.#lastT = now
    this.#lastCheckpointAt = now
    this.origin = originOf(state)
    for (const repo of state.repos.values()) this.#filter.admit(repo.info.repoId, repo.info.label)
    this.#checkpoint(state, now)
  }

  /** Why the recording ended by itself, if it did. */
  get ended(): EndReason | undefined {
    return this.#ended
  }

  get stats(): RecorderStats {
    return { messages: this.#messages, events: this.#events, marks: this.#marks, startedAt: this.startedAt, lastT: this.#lastT }
  }

  /** Takes one applied message; returns false once the recording has ended (a reload it must not follow). */
  observe(message: BackgroundToPanelMessage, now: number, before: PanelState, after: PanelState): boolean {
    if (this.#ended) return false
    // About this live link, not the page: a recording holds what the page sent.
    if (message.type === "panel/unreadable") return true
    if (!this.acrossReloads && after.epoch > before.epoch) {
      this.#ended = "page reloaded"
      return false
    }
    // Wall clocks can step back; a recording's time never does.
    const t = Math.max(now, this.#lastT)
    const kept = this.#filter.filter(message)
    this.lines.push({ kind: "message", t, message: kept })
    this.#lastT = t
    this.#messages++
    this.#events += eventsIn(kept)
    if (t - this.#lastCheckpointAt >= this.#checkpointEveryMs) this.#checkpoint(after, t)
    return true
  }

  mark(label: string, now: number): void {
    if (this.#ended) return
    this.#lastT = Math.max(now, this.#lastT)
    this.lines.push({ kind: "mark", t: this.#lastT, label })
    this.#marks++
  }

  finish(now: number): RecordedSession {
    const endReason = this.#ended ?? "stopped"
    this.#ended = endReason
    return {
      lines: this.lines,
      startedAt: this.startedAt,
      endedAt: Math.max(now, this.#lastT),
      origin: this.origin,
      acrossReloads: this.acrossReloads,
      endReason,
    }
  }

  #checkpoint(state: PanelState, t: number): void {
    this.lines.push({ kind: "checkpoint", t, ...checkpointOf(state, repo => this.#filter.includesLabel(repo.info.label)) })
    this.#lastCheckpointAt = t
  }
}
