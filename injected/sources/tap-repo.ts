/**
 * Which source library a repo is from, found by its shape: loro-extended's
 * `synchronizer.updateFn`, or automerge-repo's `networkSubsystem`. Each
 * library's source taps its repos; the registry does not care which.
 */
import { findAutomergeRepo, type PresenceDirectory, tapAutomergeRepo } from "./automerge-repo"
import { findSynchronizer, tapLoroExtendedRepo } from "./loro-extended"
import { type Found, read } from "./shared/read"
import type { TappedRepo, TapRepoOptions } from "./tapped-repo"

export type { FaultInjection, RepoSink } from "./shared/tap-board"
export type { TappedRepo, TapRepoOptions } from "./tapped-repo"

/** A repo of a library the hook taps, or why `value` is none. */
export function recogniseRepo(value: unknown): Found<"loro-extended" | "automerge-repo"> {
  const loro = findSynchronizer(value)
  if (loro.ok) return { ok: true, value: "loro-extended" }
  const automerge = findAutomergeRepo(value)
  if (automerge.ok) return { ok: true, value: "automerge-repo" }
  // The reason of the library the object looks more like.
  return { ok: false, reason: read(value, "networkSubsystem") === undefined ? loro.reason : automerge.reason }
}

export function tapRepo(repo: unknown, options: TapRepoOptions, presences: PresenceDirectory): Found<TappedRepo> {
  const library = recogniseRepo(repo)
  if (!library.ok) return library
  return library.value === "loro-extended" ? tapLoroExtendedRepo(repo, options) : tapAutomergeRepo(repo, options, presences)
}
