/**
 * What every source library's tap gives the registry: a tapped repo it can
 * describe, snapshot and dispose of, whatever the library.
 */
import type { ModelSnapshot, RepoInfo, StoreSnapshot, TapName } from "../../protocol/messages"
import type { FaultInjection, RepoSink } from "./shared/tap-board"

export interface TapRepoOptions {
  repoId: string
  label?: string
  libraryVersion?: string
  origin: RepoInfo["origin"]
  sink: RepoSink
  registeredAt: number
  /** Test-only, see FaultInjection. */
  faults?: FaultInjection
}

export interface TappedRepo {
  readonly repoId: string
  readonly repo: object
  info(): RepoInfo
  snapshot(): { snapshot: ModelSnapshot; stores: StoreSnapshot[] }
  /** Calls each of the source's taps has seen, listening or not. */
  counts(): Readonly<Partial<Record<TapName, number>>>
  /** Restores every wrapped function and unsubscribes everything. */
  dispose(): void
}
