/**
 * What every discovery source shares: whether a value is a Repo, and reading
 * an object's own data properties without running a page getter. Frameworks
 * keep a repo either as the value itself or one step inside a holder (a ref's
 * `current`, a `useMemo` tuple, a context value, a state object), so a
 * candidate is looked at, and one level into it, no deeper.
 */
import { isPresence } from "../sources/automerge-repo"
import { recogniseRepo } from "../sources/tap-repo"

export interface DiscoveredRepo {
  /** Where it was found, for the panel's repo list: "window.app.repo", "React <App> hook 0". */
  path: string
  repo: object
}

/** Names looked at per object; a huge object is a data cache, not where a repo hides. */
export const MAX_NAMES_PER_OBJECT = 2_000
/** Entries looked at inside a holder (a tuple, a state object, a context value). */
const MAX_NAMES_PER_HOLDER = 50

export function isRepoLike(value: object): boolean {
  try {
    // automerge-repo's Presence instances are found too: no repo leads to them.
    if ("getPeerStates" in value) return isPresence(value)
    return ("synchronizer" in value || "networkSubsystem" in value) && recogniseRepo(value).ok
  } catch {
    // Cross-origin frames and revoked proxies throw on any look.
    return false
  }
}

export function isObjectLike(value: unknown): value is object {
  return (typeof value === "object" || typeof value === "function") && value !== null
}

export function isPlainObject(value: object): boolean {
  try {
    const proto: unknown = Object.getPrototypeOf(value)
    return proto === Object.prototype || proto === null
  } catch {
    return false
  }
}

/** Own data properties only: a getter is page code, and a scan must not run it. */
export function* dataProperties(target: object, maxNames: number): Generator<[string, unknown]> {
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

/**
 * Collects repos in `value` or one level inside it (arrays and plain objects
 * only: a class instance one level in is app state, not a holder), each once.
 */
export class RepoCollector {
  readonly found: DiscoveredRepo[] = []
  readonly #seen = new Set<object>()

  /** True if `repo` was new. */
  add(repo: object, path: string): boolean {
    if (this.#seen.has(repo)) return false
    this.#seen.add(repo)
    this.found.push({ path, repo })
    return true
  }

  has(value: object): boolean {
    return this.#seen.has(value)
  }

  /** Looks at `value` and, if it is a holder, at its entries. */
  look(value: unknown, path: string, unwrap: (value: object) => object = same): void {
    if (!isObjectLike(value)) return
    const target = unwrap(value)
    if (this.#seen.has(target)) return
    if (isRepoLike(target)) {
      this.add(target, path)
      return
    }
    if (!Array.isArray(target) && !isPlainObject(target)) return
    for (const [name, inner] of dataProperties(target, MAX_NAMES_PER_HOLDER)) {
      if (!isObjectLike(inner)) continue
      const innerTarget = unwrap(inner)
      if (!this.#seen.has(innerTarget) && isRepoLike(innerTarget)) this.add(innerTarget, `${path}.${name}`)
    }
  }
}

function same(value: object): object {
  return value
}
