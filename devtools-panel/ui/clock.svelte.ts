/**
 * One shared ticking "now" for every age on screen ("1.2 s ago"): a single
 * timer instead of one per row, and only rows showing an age re-render.
 */
export class Clock {
  now = $state(Date.now())

  /** Starts ticking; returns the stop function (fits `$effect`). */
  start(intervalMs = 200): () => void {
    const timer = setInterval(() => (this.now = Date.now()), intervalMs)
    return () => clearInterval(timer)
  }
}
