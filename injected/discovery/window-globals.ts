/**
 * Repos on window: its own properties and one level into plain objects
 * (`window.app.repo`). Only data properties are scanned (no page getter runs
 * during a scan), and `let`/`const` globals are invisible here: they are not
 * window properties.
 */
import { dataProperties, isObjectLike, isPlainObject, isRepoLike, MAX_NAMES_PER_OBJECT, type RepoCollector } from "./repo-candidates"

export function collectWindowRepos(root: object, into: RepoCollector): void {
  for (const [name, value] of dataProperties(root, Infinity)) {
    if (!isObjectLike(value) || into.has(value)) continue
    if (isRepoLike(value)) {
      into.add(value, `window.${name}`)
      continue
    }
    if (!isPlainObject(value)) continue
    for (const [innerName, inner] of dataProperties(value, MAX_NAMES_PER_OBJECT)) {
      if (isObjectLike(inner) && !into.has(inner) && isRepoLike(inner)) into.add(inner, `window.${name}.${innerName}`)
    }
  }
}
