/**
 * Page value -> WireValue: plain JSON, with SUMMARY_TAG summaries (see
 * serialize/summaries.ts) for whatever JSON cannot carry or the hook chose not
 * to copy. Never throws, and the work is bounded: long strings, arrays and
 * objects are cut at visible caps, nesting stops at maxDepth, and a node
 * budget bounds the whole walk however the value is shaped.
 */
import { SUMMARY_TAG, type WireValue } from "../../protocol/messages"
import { DEFAULT_SERIALIZE_OPTIONS, type SerializeOptions } from "./options"
import {
  bigintSummary,
  bytesSummary,
  cycleSummary,
  dateSummary,
  depthSummary,
  errorSummary,
  functionSummary,
  numberSummary,
  setOwn,
  symbolSummary,
  truncatedString,
  undefinedSummary,
  type WireRecord,
} from "./summaries"

export type { ValueSummary, WireRecord } from "./summaries"
export { DEFAULT_SERIALIZE_OPTIONS, type SerializeOptions } from "./options"

interface Walk {
  readonly options: SerializeOptions
  nodes: number
  chars: number
  /** Objects on the current path, with the path length when each was entered. */
  readonly ancestors: Map<object, number>
  readonly path: Array<string | number>
}

export function serialize(value: unknown, options?: Partial<SerializeOptions>): WireValue {
  const walk: Walk = {
    options: options ? { ...DEFAULT_SERIALIZE_OPTIONS, ...options } : DEFAULT_SERIALIZE_OPTIONS,
    nodes: 0,
    chars: 0,
    ancestors: new Map(),
    path: [],
  }
  try {
    return walkValue(value, 0, walk)
  } catch (error) {
    return errorSummary(error, true)
  }
}

function walkValue(value: unknown, depth: number, walk: Walk): WireValue {
  walk.nodes++
  switch (typeof value) {
    case "string":
      return walkString(value, walk)
    case "number":
      if (Number.isFinite(value)) return value === 0 ? 0 : value
      return numberSummary(value)
    case "boolean":
      return value
    case "undefined":
      return undefinedSummary()
    case "bigint":
      return bigintSummary(value)
    case "symbol":
      return symbolSummary(value)
    case "function":
      return functionSummary(value)
    case "object":
      if (value === null) return null
      if (walk.nodes > walk.options.maxNodes) return depthSummary(kindOf(value), "budget")
      try {
        return walkObject(value, depth, walk)
      } catch (error) {
        // A proxy trap or exotic object threw while we looked at it.
        return errorSummary(error, true)
      }
  }
  return undefinedSummary()
}

function walkString(value: string, walk: Walk): WireValue {
  const { maxStringLength, stringHead, maxChars } = walk.options
  if (value.length > maxStringLength || (walk.chars > maxChars && value.length > stringHead)) {
    walk.chars += stringHead
    return truncatedString(value, stringHead)
  }
  walk.chars += value.length
  return value
}

function walkObject(value: object, depth: number, walk: Walk): WireValue {
  const seenAt = walk.ancestors.get(value)
  if (seenAt !== undefined) return cycleSummary(walk.path.slice(0, seenAt))
  if (depth >= walk.options.maxDepth) return depthSummary(kindOf(value), "depth")

  const bytes = asBytes(value)
  if (bytes) {
    const full = walk.options.fullBytes?.has(value) === true
    return bytesSummary(bytes.view, bytes.type, full ? walk.options.fullBytesLimit : walk.options.bytesHead)
  }
  const tag = Object.prototype.toString.call(value)
  if (tag === "[object Date]") return dateSummary(value as Date)
  if (tag === "[object Error]") return errorSummary(value)

  const converted = Array.isArray(value) ? undefined : walk.options.convert?.(value)
  if (converted) return walkValue(converted.value, depth, walk)

  walk.ancestors.set(value, walk.path.length)
  try {
    if (Array.isArray(value)) return walkArray(value, depth, walk)
    if (tag === "[object Map]") return walkMap(value as Map<unknown, unknown>, depth, walk)
    if (tag === "[object Set]") return walkSet(value as Set<unknown>, depth, walk)
    return walkRecord(value, depth, walk)
  } finally {
    walk.ancestors.delete(value)
  }
}

function walkArray(value: readonly unknown[], depth: number, walk: Walk): WireValue {
  const { maxArrayLength, arrayHead } = walk.options
  const truncated = value.length > maxArrayLength
  const count = truncated ? arrayHead : value.length
  const items: WireValue[] = []
  for (let index = 0; index < count; index++) items.push(child(index, () => value[index], depth, walk))
  if (!truncated) return items
  return { [SUMMARY_TAG]: "truncated-array", head: items, length: value.length }
}

function walkMap(value: Map<unknown, unknown>, depth: number, walk: Walk): WireValue {
  const entries: WireValue[][] = []
  for (const [key, item] of value) {
    if (entries.length >= walk.options.maxEntries) break
    entries.push([child("key", () => key, depth, walk), child(entries.length, () => item, depth, walk)])
  }
  return { [SUMMARY_TAG]: "map", size: value.size, entries, truncated: value.size > entries.length }
}

function walkSet(value: Set<unknown>, depth: number, walk: Walk): WireValue {
  const values: WireValue[] = []
  for (const item of value) {
    if (values.length >= walk.options.maxEntries) break
    values.push(child(values.length, () => item, depth, walk))
  }
  return { [SUMMARY_TAG]: "set", size: value.size, values, truncated: value.size > values.length }
}

/** Plain objects as objects; class instances (and objects carrying SUMMARY_TAG) as `instance`. */
function walkRecord(value: object, depth: number, walk: Walk): WireValue {
  const keys = Object.keys(value)
  const plain = isPlainObject(value) && !Object.hasOwn(value, SUMMARY_TAG)
  const { maxObjectKeys, objectHead, maxEntries } = walk.options
  const limit = plain ? (keys.length > maxObjectKeys ? objectHead : keys.length) : maxEntries
  const props: WireRecord = {}
  const source = value as Record<string, unknown>
  let shown = 0
  for (const key of keys) {
    if (shown >= limit) break
    let item: unknown
    try {
      item = source[key]
    } catch (error) {
      setOwn(props, key, errorSummary(error, true))
      shown++
      continue
    }
    if (walk.options.dropFunctions && typeof item === "function") continue
    setOwn(
      props,
      key,
      child(key, () => item, depth, walk),
    )
    shown++
  }
  if (plain && keys.length <= maxObjectKeys) return props
  if (plain) return { [SUMMARY_TAG]: "truncated-object", head: props, size: keys.length }
  return { [SUMMARY_TAG]: "instance", className: classNameOf(value), props, size: keys.length, truncated: keys.length > shown }
}

/** Walks one child with its path segment pushed; a throwing read becomes an error summary. */
function child(segment: string | number, read: () => unknown, depth: number, walk: Walk): WireValue {
  let item: unknown
  try {
    item = read()
  } catch (error) {
    return errorSummary(error, true)
  }
  walk.path.push(segment)
  try {
    return walkValue(item, depth + 1, walk)
  } finally {
    walk.path.pop()
  }
}

function asBytes(value: object): { view: Uint8Array; type: string } | undefined {
  if (ArrayBuffer.isView(value)) {
    return { view: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), type: classNameOf(value) }
  }
  if (Object.prototype.toString.call(value) === "[object ArrayBuffer]") {
    return { view: new Uint8Array(value as ArrayBuffer), type: "ArrayBuffer" }
  }
  return undefined
}

/** Object.prototype or null, also from another realm (an iframe's plain objects). */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === null || proto === Object.prototype) return true
  if (typeof proto !== "object" || Object.getPrototypeOf(proto) !== null) return false
  const ctor = (proto as { constructor?: unknown }).constructor
  return typeof ctor === "function" && ctor.name === "Object"
}

function classNameOf(value: object): string {
  try {
    const ctor = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor
    if (typeof ctor === "function" && typeof ctor.name === "string" && ctor.name !== "") return ctor.name
  } catch {
    // Fall through to the built-in tag.
  }
  return Object.prototype.toString.call(value).slice(8, -1)
}

function kindOf(value: object): string {
  if (Array.isArray(value)) return "Array"
  return isPlainObject(value) ? "Object" : classNameOf(value)
}
