/**
 * What the Ephemera extension installs on the page before any script runs.
 * Declared locally: the demo stands in for a third-party app, which knows the
 * hook only by this name and shape.
 */
interface DevtoolsHook {
  register?(repoOrPresence: object, options: { label: string }): unknown
}

type HookHost = { __EPHEMERA_DEVTOOLS_HOOK__?: DevtoolsHook }

/** A no-op without the extension; a failing hook must never break the app. */
export function registerWithDevtools(repo: object, label: string): void {
  const hook = (globalThis as HookHost).__EPHEMERA_DEVTOOLS_HOOK__
  try {
    hook?.register?.(repo, { label })
  } catch (error) {
    console.warn("Ephemera DevTools could not register", label, error)
  }
}

/** For `?register=0`: leave the repo where the extension's auto-discovery looks. */
export function exposeForAutoDiscovery(repo: object, name = "repo"): void {
  ;(globalThis as Record<string, unknown>)[name] = repo
}
