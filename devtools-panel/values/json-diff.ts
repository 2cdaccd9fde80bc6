/**
 * A small structural diff of two wire values: the paths that were added,
 * removed or changed. Objects are compared key by key and arrays index by
 * index; anything else (and a summary the hook made of a value JSON cannot
 * carry) is a leaf. `undefined` stands for no value at all (a key that did
 * not exist, or a tombstone).
 */
import type { WireValue } from "../../protocol/messages"
import { deepEqual } from "./deep-equal"
import { isWireObject, readSummary } from "./summary"

export type PathSegment = string | number

export interface JsonChange {
  path: PathSegment[]
  kind: "added" | "removed" | "changed"
  before?: WireValue
  after?: WireValue
}

/** Beyond this many changes the rest is reported as one change of their common parent. */
const MAX_CHANGES = 200

export function jsonDiff(before: WireValue | undefined, after: WireValue | undefined): JsonChange[] {
  const changes: JsonChange[] = []
  walk(before, after, [], changes)
  return changes
}

function walk(before: WireValue | undefined, after: WireValue | undefined, path: PathSegment[], changes: JsonChange[]): void {
  if (before === undefined && after === undefined) return
  if (before === undefined) return void changes.push({ path, kind: "added", after })
  if (after === undefined) return void changes.push({ path, kind: "removed", before })
  if (deepEqual(before, after)) return
  if (changes.length >= MAX_CHANGES) return void changes.push({ path, kind: "changed", before, after })
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let index = 0; index < Math.max(before.length, after.length); index++) walk(before[index], after[index], [...path, index], changes)
    return
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)])
    for (const key of [...keys].sort()) {
      walk(
        Object.hasOwn(before, key) ? before[key] : undefined,
        Object.hasOwn(after, key) ? after[key] : undefined,
        [...path, key],
        changes,
      )
    }
    return
  }
  changes.push({ path, kind: "changed", before, after })
}

function isPlainObject(value: WireValue): value is { [key: string]: WireValue } {
  return isWireObject(value) && readSummary(value) === undefined
}

/** `cursor.x`, `items[2].name`, `["odd key"]`; the value itself is "(value)". */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "(value)"
  let text = ""
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text === "" ? segment : `.${segment}`
    else text += `[${JSON.stringify(segment)}]`
  }
  return text
}
