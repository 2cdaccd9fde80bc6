/**
 * The public shape of `globalThis.__EPHEMERA_DEVTOOLS_HOOK__`. Apps reach it
 * through `connect()` (injected/connect.ts); the platform's tests call it
 * directly. Every method is guarded: none of them throws into the page.
 */
import type { HookToPanelMessage, RepoInfo, TapName } from "../../protocol/messages"
import type { FaultInjection } from "../sources/tap-repo"

export interface RegisterOptions {
  /** Shown in the panel's repo list; defaults to the identity's name, then "peer <peerId>". */
  label?: string
  /** Overrides detection ("5.x" when synchronizer.flush is missing, else "6.x"). */
  libraryVersion?: string
  /** Test builds only (ignored by the shipped hook): make the named taps throw from inside their own work. */
  __faultInjection?: FaultInjection
}

export interface HookStats {
  listening: boolean
  /** Entries waiting for the next flush. */
  queued: number
  /** Calls each tap has seen per repo, counted even while no panel listens. */
  repos: Array<{ repoId: string; counts: Readonly<Partial<Record<TapName, number>>> }>
}

export interface EphemeraHook {
  readonly version: string
  /** True while a panel is subscribed. */
  readonly listening: boolean
  /**
   * Taps a Repo (@loro-extended/repo, or @automerge/automerge-repo), or follows
   * an automerge-repo Presence; returns its unregister. A second call for the
   * same object returns the same unregister.
   */
  register(repo: unknown, options?: RegisterOptions): () => void
  /**
   * Queues a message about the page's repos for the panel (repo/registered,
   * repo/unregistered, repo/events, repo/tap-disabled; anything else, and
   * everything while no panel listens, is dropped). There is deliberately no
   * way for the page to hear the panel's commands.
   */
  emit(message: HookToPanelMessage): void
  /** Diagnostics: the registered repos as the panel would see them. */
  repos(): RepoInfo[]
  /** Diagnostics: queue length and per-tap call counters. */
  stats(): HookStats
  /** Posts what is queued now instead of at the next tick. */
  flush(): void
}
