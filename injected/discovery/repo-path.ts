/**
 * Attach by path: "repo", "app.repo" or "window.app.repo", walked property by
 * property from window, never evaluated.
 */
import { isPresence } from "../sources/automerge-repo"
import { recogniseRepo } from "../sources/tap-repo"

export type Resolved = { ok: true; value: object; label: string } | { ok: false; error: string }

/** Resolves a dotted path to a Repo, or says clearly why not. */
export function resolveRepoPath(root: object, path: string): Resolved {
  const trimmed = path.trim().replace(/^(window|globalThis|self)\./, "")
  const segments = trimmed.split(".")
  if (trimmed === "" || segments.some(segment => segment.trim() === "")) {
    return { ok: false, error: `"${path}" is not a dotted path (like "repo" or "app.repo")` }
  }
  let current: unknown = root
  let label = "window"
  for (const segment of segments) {
    if (current === null || current === undefined) return { ok: false, error: `${label} is ${String(current)}` }
    try {
      current = (current as Record<string, unknown>)[segment]
    } catch (error) {
      return { ok: false, error: `reading ${label}.${segment} threw: ${error instanceof Error ? error.message : String(error)}` }
    }
    label = `${label}.${segment}`
  }
  if (current === null || current === undefined) return { ok: false, error: `${label} is ${String(current)}` }
  if (isPresence(current)) return { ok: true, value: current, label }
  const found = recogniseRepo(current)
  if (!found.ok) return { ok: false, error: `${label} is not a Repo (${found.reason})` }
  return { ok: true, value: current as object, label }
}
