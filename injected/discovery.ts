/**
 * Finding Repos the app did not register: on window's own properties and one
 * level into plain objects (`window.app.repo`), and at a dotted path the user
 * types. Only data properties are scanned (no page getter runs during a
 * scan), and `let`/`const` globals are invisible here: they are not window
 * properties. Paths are walked property by property, never evaluated.
 */
import { findSynchronizer } from "./sources/loro-extended"

export interface DiscoveredRepo {
  /** "window.repo", "window.app.repo". */
  path: string
  repo: object
}

/** Names looked at per nested object; a huge plain object is a data cache, not where a repo hides. */
const MAX_NAMES_PER_OBJECT = 2_000

export function discoverRepos(root: object): DiscoveredRepo[] {
  const found: DiscoveredRepo[] = []
  const seen = new Set<object>()
  for (const [name, value] of dataProperties(root, Infinity)) {
    if (!isObjectLike(value) || seen.has(value)) continue
    if (isRepoLike(value)) {
      seen.add(value)
      found.push({ path: `window.${name}`, repo: value })
      continue
    }
    if (!isPlainObject(value)) continue
    for (const [innerName, inner] of dataProperties(value, MAX_NAMES_PER_OBJECT)) {
      if (!isObjectLike(inner) || seen.has(inner) || !isRepoLike(inner)) continue
      seen.add(inner)
      found.push({ path: `window.${name}.${innerName}`, repo: inner })
    }
  }
  return found
}

export type Resolved = { ok: true; value: object; label: string } | { ok: false; error: string }

/** Resolves "repo", "app.repo" or "window.app.repo" to a Repo, or says clearly why not. */
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
  const found = findSynchronizer(current)
  if (!found.ok) return { ok: false, error: `${label} is not a Repo (${found.reason})` }
  return { ok: true, value: current as object, label }
}

function isRepoLike(value: object): boolean {
  try {
    return "synchronizer" in value && findSynchronizer(value).ok
  } catch {
    // Cross-origin frames and revoked proxies throw on any look.
    return false
  }
}

function* dataProperties(target: object, maxNames: number): Generator<[string, unknown]> {
  let names: string[]
  try {
    names = Object.getOwnPropertyNames(target)
  } catch {
    return
  }
  for (const name of names.length > maxNames ? names.slice(0, maxNames) : names) {
    let descriptor: PropertyDescriptor | undefined
    try {
      descriptor = Object.getOwnPropertyDescriptor(target, name)
    } catch {
      continue
    }
    if (descriptor && "value" in descriptor) yield [name, descriptor.value]
  }
}

function isObjectLike(value: unknown): value is object {
  return typeof value === "object" && value !== null
}

function isPlainObject(value: object): boolean {
  try {
    const proto: unknown = Object.getPrototypeOf(value)
    return proto === Object.prototype || proto === null
  } catch {
    return false
  }
}
