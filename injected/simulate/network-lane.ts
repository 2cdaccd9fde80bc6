/**
 * One direction of one channel under simulated network conditions: decides
 * for each ephemeral frame whether it is lost, and when it arrives.
 *
 * Frames keep their order (a WebSocket does not reorder), so jitter stretches
 * the gaps between them but never swaps two: each frame is due no earlier
 * than the one before. A frame picked for reordering is held back past that
 * order instead, by at least REORDER_HOLD_MS more, so frames sent after it
 * overtake it; a receiver then applies an older presence after a newer one,
 * or ignores it (last writer wins), which is the race being reproduced.
 */
import type { NetworkConditions } from "../../protocol/simulate"

/** The least extra hold of a reordered frame (more with jitter). */
export const REORDER_HOLD_MS = 100

export interface LaneTimers {
  now(): number
  /** Like setTimeout; returns what cancel() takes. */
  schedule(callback: () => void, delayMs: number): unknown
  cancel(handle: unknown): void
  /** [0, 1), like Math.random. */
  random(): number
}

export const realTimers: LaneTimers = {
  now: () => performance.now(),
  schedule: (callback, delayMs) => setTimeout(callback, delayMs),
  cancel: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: Math.random,
}

interface Held {
  readonly due: number
  readonly deliver: () => void
}

export class NetworkLane {
  delivered = 0
  dropped = 0
  #conditions: NetworkConditions
  readonly #timers: LaneTimers
  readonly #held = new Map<unknown, Held>()
  /** When the last in-order frame is due: the next one is due no earlier. */
  #lastDue = Number.NEGATIVE_INFINITY

  constructor(conditions: NetworkConditions, timers: LaneTimers = realTimers) {
    this.#conditions = conditions
    this.#timers = timers
  }

  get pending(): number {
    return this.#held.size
  }

  /** New conditions apply to frames from now on; frames already held keep their time. */
  update(conditions: NetworkConditions): void {
    this.#conditions = conditions
  }

  /** Delivers the frame (by calling `deliver`) when the conditions say, or never. */
  pass(deliver: () => void): void {
    const { delayMs, jitterMs, dropPercent, reorderPercent } = this.#conditions
    const random = this.#timers.random
    if (dropPercent > 0 && random() * 100 < dropPercent) {
      this.dropped++
      return
    }
    const now = this.#timers.now()
    let due = now + delayMs + random() * jitterMs
    if (reorderPercent > 0 && random() * 100 < reorderPercent) due += Math.max(REORDER_HOLD_MS, jitterMs)
    else {
      due = Math.max(due, this.#lastDue)
      this.#lastDue = due
    }
    if (due <= now && this.#held.size === 0) {
      this.#deliver(deliver)
      return
    }
    const handle = this.#timers.schedule(() => {
      this.#held.delete(handle)
      this.#deliver(deliver)
    }, due - now)
    this.#held.set(handle, { due, deliver })
  }

  /** Delivers every held frame now, in the order they were due (conditions removed: nothing is lost). */
  flush(): void {
    const held = [...this.#held].sort(([, a], [, b]) => a.due - b.due)
    this.#held.clear()
    for (const [handle, frame] of held) {
      this.#timers.cancel(handle)
      this.#deliver(frame.deliver)
    }
  }

  #deliver(deliver: () => void): void {
    this.delivered++
    try {
      deliver()
    } catch {
      // The channel may be gone by now; the frame is lost as it would be on a closed socket.
    }
  }
}
