/**
 * Sizes a message the way the relay's validator counts it (nodes, string
 * chars, depth, plain-data rules), so the bridge can cut batches the relay
 * accepts and drop the rare single message it would refuse, instead of
 * losing a whole batch to it.
 */

export interface WireSize {
  nodes: number
  chars: number
  depth: number
  /** False when something JSON-unsafe slipped in (undefined, NaN, a class instance). */
  plain: boolean
}

/** Stops counting past `nodeLimit`; the result then just says "too large". */
export function measureWire(value: unknown, nodeLimit: number): WireSize {
  const size: WireSize = { nodes: 0, chars: 0, depth: 0, plain: true }
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!
    if (++size.nodes > nodeLimit) return size
    if (depth > size.depth) size.depth = depth
    if (current === null || typeof current === "boolean") continue
    if (typeof current === "number") {
      if (!Number.isFinite(current)) size.plain = false
      continue
    }
    if (typeof current === "string") {
      size.chars += current.length
      continue
    }
    if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index++) stack.push([current[index], depth + 1])
      continue
    }
    if (typeof current === "object") {
      const proto: unknown = Object.getPrototypeOf(current)
      if (proto !== Object.prototype && proto !== null) size.plain = false
      for (const key of Object.keys(current)) {
        size.chars += key.length
        stack.push([(current as Record<string, unknown>)[key], depth + 1])
      }
      continue
    }
    size.plain = false
  }
  return size
}
