/**
 * Values a simulated peer may write: plain JSON only, so what the panel shows
 * is exactly what the app receives. Checks are bounded (depth and node count)
 * because specs come from the panel and can be large or hostile.
 */
import type { JsonValue } from "../../protocol/simulate"

const MAX_DEPTH = 32
const MAX_NODES = 10_000
const MAX_STRING_LENGTH = 65_536

/** Why `value` is not plain JSON (prefixed with `path`), or undefined when it is. */
export function jsonProblem(value: unknown, path: string): string | undefined {
  let nodes = 0
  const visit = (current: unknown, at: string, depth: number): string | undefined => {
    if (++nodes > MAX_NODES) return `${path} has more than ${MAX_NODES} values`
    if (depth > MAX_DEPTH) return `${at} is nested deeper than ${MAX_DEPTH} levels`
    if (current === null || typeof current === "boolean") return undefined
    if (typeof current === "number") {
      return Number.isFinite(current) ? undefined : `${at} is ${String(current)}, which JSON cannot hold`
    }
    if (typeof current === "string") {
      return current.length > MAX_STRING_LENGTH ? `${at} is longer than ${MAX_STRING_LENGTH} characters` : undefined
    }
    if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index++) {
        if (!(index in current)) return `${at}[${index}] is an empty array slot`
        const problem = visit(current[index], `${at}[${index}]`, depth + 1)
        if (problem) return problem
      }
      return undefined
    }
    if (typeof current === "object") {
      const proto: unknown = Object.getPrototypeOf(current)
      if (proto !== Object.prototype && proto !== null) {
        return `${at} is a ${describe(current)}, not a plain object`
      }
      for (const [key, item] of Object.entries(current)) {
        const problem = visit(item, `${at}.${key}`, depth + 1)
        if (problem) return problem
      }
      return undefined
    }
    return `${at} is ${typeof current === "undefined" ? "undefined" : `a ${typeof current}`}, which JSON cannot hold`
  }
  return visit(value, path, 0)
}

function describe(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === "string" && name ? name : "non-plain object"
}

/** A deep copy, so later edits of the caller's object do not change what the engine writes. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

export function isJsonObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/**
 * Whether a value read back from an EphemeralStore (`store.get`) is the JSON
 * value that was written. Key order is ignored: loro keeps maps in hash order.
 */
export function sameJson(read: unknown, written: JsonValue): boolean {
  if (written === null || typeof written !== "object") return read === written
  if (Array.isArray(written)) {
    if (!Array.isArray(read) || read.length !== written.length) return false
    return written.every((item, index) => sameJson(read[index], item))
  }
  if (typeof read !== "object" || read === null || Array.isArray(read)) return false
  const keys = Object.keys(written)
  if (Object.keys(read).length !== keys.length) return false
  const record = read as Record<string, unknown>
  return keys.every(key => key in record && sameJson(record[key], written[key] as JsonValue))
}
