/**
 * When the panel store applies what it received: once per animation frame
 * while visible, at once (a microtask, which no browser throttles) while
 * hidden, where no frame comes and timers are slowed to bursts.
 */
import { describe, expect, it } from "vitest"
import { FLUSH_FALLBACK_MS, flushScheduler, type SchedulerEnvironment } from "../../devtools-panel/ui/flush-scheduler"

/** A page whose frames, timers and microtasks run only when the test says so. */
class FakePage {
  readonly frames: Array<() => void> = []
  readonly timers: Array<{ callback: () => void; ms: number }> = []
  readonly microtasks: Array<() => void> = []
  readonly #hiddenListeners: Array<() => void> = []
  readonly env: SchedulerEnvironment = {
    hidden: () => this.hidden,
    onHidden: listener => void this.#hiddenListeners.push(listener),
    requestAnimationFrame: callback => void this.frames.push(callback),
    setTimeout: (callback, ms) => void this.timers.push({ callback, ms }),
    queueMicrotask: callback => void this.microtasks.push(callback),
  }

  constructor(public hidden: boolean) {}

  hide(): void {
    this.hidden = true
    for (const listener of this.#hiddenListeners) listener()
  }
}

const fakePage = (hidden: boolean) => new FakePage(hidden)

describe("flush scheduler", () => {
  it("applies on the next frame while visible, with a timer in case none comes, and only once", () => {
    const page = fakePage(false)
    let flushes = 0
    flushScheduler(page.env)(() => flushes++)
    expect(page.microtasks).toHaveLength(0)
    expect(page.timers.map(timer => timer.ms)).toEqual([FLUSH_FALLBACK_MS])
    page.frames[0]!()
    page.timers[0]!.callback()
    expect(flushes).toBe(1)
  })

  it("applies right after the message while hidden, needing neither frames nor timers", () => {
    const page = fakePage(true)
    let flushes = 0
    flushScheduler(page.env)(() => flushes++)
    expect(page.frames).toHaveLength(0)
    expect(page.timers).toHaveLength(0)
    page.microtasks[0]!()
    expect(flushes).toBe(1)
  })

  it("runs a flush that waits for a frame as soon as the page is hidden", () => {
    const page = fakePage(false)
    let flushes = 0
    flushScheduler(page.env)(() => flushes++)
    page.hide()
    expect(flushes).toBe(1)
    // The frame never comes; the throttled timer, when it fires, finds nothing to do.
    page.timers[0]!.callback()
    expect(flushes).toBe(1)
  })
})
