/**
 * Calls `fn` at most once per `intervalMs`, always delivering the latest
 * arguments last so a cursor comes to rest where the pointer stopped.
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, intervalMs: number): (...args: A) => void {
  let lastRun = -Infinity
  let pending: A | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  const run = (args: A) => {
    lastRun = Date.now()
    fn(...args)
  }

  return (...args: A) => {
    const wait = lastRun + intervalMs - Date.now()
    if (wait <= 0 && timer === undefined) {
      run(args)
      return
    }
    pending = args
    timer ??= setTimeout(
      () => {
        timer = undefined
        if (pending) run(pending)
        pending = undefined
      },
      Math.max(0, wait),
    )
  }
}
