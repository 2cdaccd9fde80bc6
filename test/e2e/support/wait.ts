/**
 * Waits on a condition, never on a fixed sleep: polls `check` until it
 * returns something truthy, and fails with `what` in the message.
 */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value as NonNullable<T>
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`)
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}

/**
 * An observation window, not a sleep: checks `invariant` (which throws when
 * it breaks) every `intervalMs` until `until` says the window has served its
 * purpose. Returns how many checks ran.
 */
export async function holdsUntil(
  invariant: () => Promise<void>,
  until: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let checks = 0
  for (;;) {
    await invariant()
    checks++
    if (await until()) return checks
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}
