/**
 * One lane of simulated network conditions, on a clock the test moves by
 * hand: when frames are lost, when they arrive, in which order.
 */
import { describe, expect, it } from "vitest"
import { type LaneTimers, NetworkLane, REORDER_HOLD_MS } from "../../injected/simulate/network-lane"
import type { NetworkConditions } from "../../protocol/simulate"

/** A hand-moved clock and a scripted random source. */
function manualTimers(randoms: number[] = []) {
  let now = 0
  const due: Array<{ at: number; run: () => void; handle: number }> = []
  let next = 1
  const timers: LaneTimers = {
    now: () => now,
    schedule: (run, delayMs) => {
      due.push({ at: now + delayMs, run, handle: next })
      return next++
    },
    cancel: handle => {
      const index = due.findIndex(timer => timer.handle === handle)
      if (index >= 0) due.splice(index, 1)
    },
    random: () => randoms.shift() ?? 0,
  }
  return {
    timers,
    /** Moves the clock to `to`, firing timers in time order. */
    advance(to: number) {
      for (;;) {
        due.sort((a, b) => a.at - b.at)
        const first = due[0]
        if (!first || first.at > to) break
        due.shift()
        now = first.at
        first.run()
      }
      now = to
    },
  }
}

const conditions = (partial: Partial<NetworkConditions>): NetworkConditions => ({
  delayMs: 0,
  jitterMs: 0,
  dropPercent: 0,
  reorderPercent: 0,
  ...partial,
})

describe("a network lane", () => {
  it("delivers at once without conditions, and after the delay with one", () => {
    const clock = manualTimers()
    const got: string[] = []
    new NetworkLane(conditions({}), clock.timers).pass(() => got.push("now"))
    expect(got).toEqual(["now"])
    const lane = new NetworkLane(conditions({ delayMs: 500 }), clock.timers)
    lane.pass(() => got.push("late"))
    clock.advance(499)
    expect(got).toEqual(["now"])
    expect(lane.pending).toBe(1)
    clock.advance(500)
    expect(got).toEqual(["now", "late"])
    expect(lane).toMatchObject({ delivered: 1, dropped: 0, pending: 0 })
  })

  it("drops the given share", () => {
    // Random draws: 0.3 (< 50 %: dropped), 0.7 (kept, then 0 for jitter), 0.49 (dropped).
    const clock = manualTimers([0.3, 0.7, 0, 0.49])
    const lane = new NetworkLane(conditions({ dropPercent: 50 }), clock.timers)
    const got: number[] = []
    for (const n of [1, 2, 3]) lane.pass(() => got.push(n))
    expect(got).toEqual([2])
    expect(lane).toMatchObject({ delivered: 1, dropped: 2 })
    const all = new NetworkLane(conditions({ dropPercent: 100 }), manualTimers([0.999]).timers)
    all.pass(() => got.push(9))
    expect(got).toEqual([2])
  })

  it("keeps frames in order under jitter: a frame is never due before the one sent before it", () => {
    // First frame draws the most jitter (0.9 of 400), the second the least.
    const clock = manualTimers([0.9, 0])
    const lane = new NetworkLane(conditions({ delayMs: 100, jitterMs: 400 }), clock.timers)
    const got: string[] = []
    lane.pass(() => got.push("first"))
    clock.advance(10)
    lane.pass(() => got.push("second"))
    clock.advance(459)
    expect(got).toEqual([])
    clock.advance(460)
    expect(got).toEqual(["first", "second"])
  })

  it("holds a reordered frame back so that a later one overtakes it", () => {
    // Frame 1: reorder draw 0.1 (< 50 %: held back); frame 2: 0.9 (in order).
    const clock = manualTimers([0, 0.1, 0, 0.9])
    const lane = new NetworkLane(conditions({ delayMs: 50, reorderPercent: 50 }), clock.timers)
    const got: string[] = []
    lane.pass(() => got.push("old"))
    clock.advance(20)
    lane.pass(() => got.push("new"))
    clock.advance(70)
    expect(got).toEqual(["new"])
    clock.advance(50 + REORDER_HOLD_MS)
    expect(got).toEqual(["new", "old"])
  })

  it("delivers every held frame at once, in due order, when flushed (conditions removed)", () => {
    const clock = manualTimers()
    const lane = new NetworkLane(conditions({ delayMs: 1000 }), clock.timers)
    const got: number[] = []
    lane.pass(() => got.push(1))
    clock.advance(100)
    lane.pass(() => got.push(2))
    lane.flush()
    expect(got).toEqual([1, 2])
    clock.advance(5000)
    expect(got).toEqual([1, 2])
  })
})
