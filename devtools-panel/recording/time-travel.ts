/**
 * Time travel over an opened recording. Opening replays every message once
 * through the panel's reducer, from the file's opening checkpoint, and keeps
 * the state every CHECKPOINT_STEPS steps. States are immutable and share
 * whatever did not change, so a hundred of them cost little more than one.
 *
 * Seeking is the nearest kept state (or the last seek, when it is closer)
 * plus at most CHECKPOINT_STEPS steps of `apply`. The file's own later
 * checkpoints are not used to seek: member history and the event log are
 * not in them, and the state at a position must not depend on the route.
 */
import { apply } from "../state/apply"
import type { PanelState } from "../state/panel-state"
import { restoreCheckpoint } from "./checkpoint"
import { cutMessage, recordOfStep, stepsIn, type StepIndex } from "./steps"

export const CHECKPOINT_STEPS = 500
/** Work done between yields to the page while opening (ms). */
const SLICE_MS = 12

interface Kept {
  /** Records applied: the state before record `record`. */
  readonly record: number
  readonly state: PanelState
}

export interface BuildOptions {
  /** Fraction (0..1) of the messages replayed. */
  onProgress?: (fraction: number) => void
  /** Stops the build (a newer file was chosen): it then rejects with an AbortError. */
  signal?: AbortSignal
  /** The event log's capacity; by default the recording's every event, however small the live log is set. */
  logCapacity?: number
}

/** Lets the page paint between slices; scheduler.yield() where there is one (Chromium), else a task. */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  if (typeof scheduler?.yield === "function") return scheduler.yield()
  return new Promise(resolve => setTimeout(resolve, 0))
}

export class TimeTravel {
  readonly index: StepIndex
  readonly #kept: readonly Kept[]
  readonly final: PanelState
  #last: Kept

  private constructor(index: StepIndex, kept: Kept[], final: PanelState) {
    this.index = index
    this.#kept = kept
    this.final = final
    this.#last = kept[0]!
  }

  static async build(index: StepIndex, options: BuildOptions = {}): Promise<TimeTravel> {
    let state = restoreCheckpoint(index.baseline, index.baseline.t, options.logCapacity ?? Math.max(1, index.total))
    const kept: Kept[] = [{ record: 0, state }]
    let sinceKept = 0
    let sliceStart = performance.now()
    const { records } = index
    for (let r = 0; r < records.length; r++) {
      const { message, t } = records[r]!
      state = apply(state, message, t)
      sinceKept += stepsIn(message)
      if (sinceKept >= CHECKPOINT_STEPS) {
        kept.push({ record: r + 1, state })
        sinceKept = 0
      }
      if ((r & 63) === 0 && performance.now() - sliceStart > SLICE_MS) {
        options.onProgress?.(r / records.length)
        await yieldToPage()
        options.signal?.throwIfAborted()
        sliceStart = performance.now()
      }
    }
    options.onProgress?.(1)
    return new TimeTravel(index, kept, state)
  }

  get baseline(): PanelState {
    return this.#kept[0]!.state
  }

  /** The state after the first `position` steps. */
  stateAt(position: number): PanelState {
    const { index } = this
    const p = Math.max(0, Math.min(index.total, Math.floor(position)))
    if (p === 0) return this.baseline
    if (p === index.total) return this.final
    const r = recordOfStep(index, p)
    const before = this.#stateBefore(r)
    const { message, t } = index.records[r]!
    const keep = p - index.firstStep[r]!
    return apply(before, keep === stepsIn(message) ? message : cutMessage(message, keep), t)
  }

  /** The state after records [0, r). */
  #stateBefore(r: number): PanelState {
    let from = this.#kept[0]!
    for (const kept of this.#kept) {
      if (kept.record > r) break
      from = kept
    }
    if (this.#last.record <= r && this.#last.record > from.record) from = this.#last
    let state = from.state
    for (let i = from.record; i < r; i++) {
      const { message, t } = this.index.records[i]!
      state = apply(state, message, t)
    }
    this.#last = { record: r, state }
    return state
  }
}
