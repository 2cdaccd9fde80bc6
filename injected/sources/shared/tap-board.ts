/**
 * The state of one repo's taps: which are on, why the others are off, how
 * many calls each has seen, and the guard every tap runs its own work in. A
 * tap whose work throws turns itself off (undoing its wrapping) and reports
 * repo/tap-disabled; the app's call it was observing is unaffected.
 */
import type { EventFields } from "../../../codec/event-tape/event-writer"
import type { EventKind } from "../../../codec/event-tape/layout"
import type { HookToPanelMessage, TapName, TapStatus } from "../../../protocol/messages"

/** Where a tap's observations go; bound to one repo. */
export interface RepoSink {
  /** Read on every hot-path call: while false, taps only count. */
  readonly listening: boolean
  /** Called on every change of `listening`; returns the function that stops it. */
  onListeningChange(listener: (listening: boolean) => void): () => void
  /** Writes one event now, its fields by name (see HookBridge.event); ignored while nobody listens. */
  event<K extends EventKind>(kind: K, fields: NoInfer<EventFields<K>>): void
  message(message: HookToPanelMessage): void
}

/**
 * Test-only: taps named here throw from inside their own work, to prove a
 * broken tap never reaches the app. Not part of the public contract.
 */
export interface FaultInjection {
  throwIn: readonly TapName[]
}

/** Undoes what a tap installed. */
export type Teardown = () => void

/** A teardown; the reason a tap could not be installed; or a teardown with a caveat. */
export type InstallOutcome = Teardown | string | { teardown: Teardown; note: string }

/** The taps of one source library (`T`, its tap names), for one repo. */
export class TapBoard<T extends TapName = TapName> {
  readonly counts: Record<T, number>
  readonly #taps: readonly T[]
  readonly #statuses = new Map<T, TapStatus>()
  readonly #teardowns = new Map<T, Teardown>()
  readonly #repoId: string
  readonly #sink: RepoSink
  readonly #faults: ReadonlySet<TapName>

  /** `taps`: every tap the source has, in the order statuses() lists them. */
  constructor(taps: readonly T[], repoId: string, sink: RepoSink, faults?: FaultInjection) {
    this.#taps = taps
    this.counts = Object.fromEntries(taps.map(tap => [tap, 0])) as Record<T, number>
    this.#repoId = repoId
    this.#sink = sink
    this.#faults = new Set(faults?.throwIn ?? [])
  }

  /** Runs `install`; it returns its teardown, or the reason the feature is missing. */
  install(tap: T, install: () => InstallOutcome): void {
    let outcome: InstallOutcome
    try {
      outcome = install()
    } catch (error) {
      outcome = `install failed: ${describeError(error)}`
    }
    if (typeof outcome === "string") {
      this.#statuses.set(tap, { tap, enabled: false, reason: outcome })
    } else if (typeof outcome === "function") {
      this.#statuses.set(tap, { tap, enabled: true })
      this.#teardowns.set(tap, outcome)
    } else {
      this.#statuses.set(tap, { tap, enabled: true, reason: outcome.note })
      this.#teardowns.set(tap, outcome.teardown)
    }
  }

  enabled(tap: T): boolean {
    return this.#statuses.get(tap)?.enabled === true
  }

  /** Runs a tap's own work; an exception disables the tap instead of propagating. */
  guard(tap: T, work: () => void): void {
    try {
      if (this.#faults.has(tap)) throw new Error(`fault injected into the ${tap} tap`)
      work()
    } catch (error) {
      this.fail(tap, error)
    }
  }

  fail(tap: T, error: unknown): void {
    if (!this.enabled(tap)) return
    const reason = describeError(error)
    this.#statuses.set(tap, { tap, enabled: false, reason })
    this.#teardown(tap)
    try {
      this.#sink.message({ type: "repo/tap-disabled", repoId: this.#repoId, tap, reason })
    } catch {
      // The status above still tells the next resync.
    }
  }

  statuses(): TapStatus[] {
    return this.#taps.map(tap => ({ ...(this.#statuses.get(tap) ?? { tap, enabled: false, reason: "not installed" }) }))
  }

  /** Undoes every tap (unregister). */
  dispose(reason: string): void {
    for (const tap of this.#taps) {
      if (this.#statuses.get(tap)?.enabled) this.#statuses.set(tap, { tap, enabled: false, reason })
      this.#teardown(tap)
    }
  }

  #teardown(tap: T): void {
    const teardown = this.#teardowns.get(tap)
    this.#teardowns.delete(tap)
    try {
      teardown?.()
    } catch {
      // Each wrapper checks its own "active" flag, so a failed restore is still inert.
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  try {
    return String(error)
  } catch {
    return "unknown error"
  }
}
