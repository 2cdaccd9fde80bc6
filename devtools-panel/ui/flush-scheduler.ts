/**
 * When the panel store applies what it received. A visible panel applies at
 * most once per animation frame (thousands of events a second cost one
 * render per frame), with a timer in case no frame comes.
 *
 * A hidden panel (DevTools showing another tool, or the panel open in a
 * background tab) gets no animation frames, and the browser throttles its
 * timers (Firefox: to 1 s in a background tab, 250 ms and more under budget
 * throttling): the timer alone delivered updates in bursts about every
 * 300 ms instead of about every 60 ms, and stamped them late (the Log's and
 * recordings' times are when a message was applied). Hidden, nothing is
 * painted anyway: each port message is applied right after it arrives, in a
 * microtask, which no browser throttles. A flush waiting for a frame when
 * the page becomes hidden runs at once.
 */

/** Longest wait for a frame before applying anyway (visible, but frames stalled). */
export const FLUSH_FALLBACK_MS = 250

/** What the scheduler needs from the page (tests pass their own). */
export interface SchedulerEnvironment {
  hidden(): boolean
  /** Calls `listener` whenever the page becomes hidden. */
  onHidden(listener: () => void): void
  requestAnimationFrame?: (callback: () => void) => void
  setTimeout(callback: () => void, ms: number): void
  queueMicrotask(callback: () => void): void
}

export type FlushScheduler = (flush: () => void) => void

export function flushScheduler(env: SchedulerEnvironment = pageEnvironment()): FlushScheduler {
  /** The flush waiting for a frame, if any. */
  let waiting: (() => void) | undefined
  env.onHidden(() => {
    const flush = waiting
    waiting = undefined
    flush?.()
  })
  return flush => {
    if (env.hidden()) {
      env.queueMicrotask(flush)
      return
    }
    let done = false
    const once = () => {
      if (done) return
      done = true
      if (waiting === once) waiting = undefined
      flush()
    }
    waiting = once
    env.requestAnimationFrame?.(once)
    env.setTimeout(once, FLUSH_FALLBACK_MS)
  }
}

function pageEnvironment(): SchedulerEnvironment {
  const hasDocument = typeof document !== "undefined"
  return {
    hidden: () => hasDocument && document.visibilityState === "hidden",
    onHidden: listener => {
      if (hasDocument) document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && listener())
    },
    ...(typeof requestAnimationFrame === "function" ? { requestAnimationFrame: callback => void requestAnimationFrame(callback) } : {}),
    setTimeout: (callback, ms) => void setTimeout(callback, ms),
    queueMicrotask: callback => queueMicrotask(callback),
  }
}
