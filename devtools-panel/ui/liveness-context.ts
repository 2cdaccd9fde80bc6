/**
 * What the Live view's panes ask the detectors about the live page: whether
 * a peer still has a path, which channel it was last heard on, whether a key
 * is stale. Set by the Live view for its own panes only: a recording's panes
 * show a moment of the past, which the live detectors know nothing about.
 */
import { getContext, setContext } from "svelte"
import type { NoPath } from "../diagnostics/detectors/no-live-path"

export interface Liveness {
  /** Bumped when anything below may have changed. */
  readonly version: number
  noPath(repoId: string, peerId: string): NoPath | undefined
  heardVia(repoId: string, peerId: string): { channelId: number; relay?: string } | undefined
  /** Its owner has no live path, or was not heard for longer than the silence limit. */
  isStale(repoId: string, key: string, now: number): boolean
}

const KEY = Symbol("ephemera-liveness")

export function setLiveness(liveness: Liveness | undefined): void {
  setContext(KEY, liveness)
}

export function liveness(): Liveness | undefined {
  return getContext<Liveness | undefined>(KEY)
}
