/**
 * The shape of a namespace's values, learned from what real peers write, and
 * how a simulated value departs from it. A mismatch is only a warning: the
 * app may accept more than its peers happen to send, so the user decides.
 */
import type { WireValue } from "../../protocol/messages"
import type { JsonValue } from "../../protocol/simulate"
import { isWireObject, readSummary } from "../values/summary"

export type ValueShape =
  | { readonly kind: "null" | "boolean" | "number" | "string" }
  /** Anything goes: summarised page values, or samples that disagree. */
  | { readonly kind: "any" }
  | { readonly kind: "array"; readonly items?: ValueShape }
  | {
      readonly kind: "object"
      readonly fields: Readonly<Record<string, ValueShape>>
      /** Fields that every sample had. */
      readonly required: ReadonlySet<string>
    }

const ANY: ValueShape = { kind: "any" }
/** Nested deeper than this, values are not compared (a presence value is rarely deeper than 3). */
const MAX_DEPTH = 8
/** Warnings listed per value; more are counted. */
const MAX_WARNINGS = 8

function shapeOf(value: WireValue, depth = 0): ValueShape {
  if (depth > MAX_DEPTH || readSummary(value)) return ANY
  if (value === null) return { kind: "null" }
  if (Array.isArray(value)) return { kind: "array", ...itemsOf(value, depth) }
  if (isWireObject(value)) {
    const fields: Record<string, ValueShape> = {}
    for (const [key, item] of Object.entries(value)) fields[key] = shapeOf(item, depth + 1)
    return { kind: "object", fields, required: new Set(Object.keys(fields)) }
  }
  return { kind: typeof value as "boolean" | "number" | "string" }
}

function itemsOf(values: readonly WireValue[], depth: number): { items?: ValueShape } {
  const items = mergeAll(values.map(item => shapeOf(item, depth + 1)))
  return items ? { items } : {}
}

function mergeAll(shapes: readonly ValueShape[]): ValueShape | undefined {
  return shapes.reduce<ValueShape | undefined>((merged, shape) => (merged ? merge(merged, shape) : shape), undefined)
}

function merge(a: ValueShape, b: ValueShape): ValueShape {
  if (a.kind === "any" || b.kind === "any" || a.kind !== b.kind) return ANY
  if (a.kind === "array" && b.kind === "array") {
    const items = a.items && b.items ? merge(a.items, b.items) : (a.items ?? b.items)
    return { kind: "array", ...(items ? { items } : {}) }
  }
  if (a.kind === "object" && b.kind === "object") {
    const fields: Record<string, ValueShape> = { ...a.fields }
    for (const [key, shape] of Object.entries(b.fields)) fields[key] = Object.hasOwn(a.fields, key) ? merge(a.fields[key]!, shape) : shape
    const required = new Set([...a.required].filter(key => b.required.has(key)))
    return { kind: "object", fields, required }
  }
  return a
}

/** The shape every sample fits, or undefined without samples. */
export function inferShape(samples: readonly WireValue[]): ValueShape | undefined {
  return mergeAll(samples.map(sample => shapeOf(sample)))
}

function describe(shape: ValueShape): string {
  return shape.kind === "object" ? "an object" : shape.kind === "array" ? "an array" : `a ${shape.kind}`
}

function kindOf(value: JsonValue): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`
}

/** How `value` departs from `shape`, one line per difference, e.g. `value.x: a number in real peers' values, here a string`. */
export function shapeWarnings(shape: ValueShape | undefined, value: JsonValue, path = "value"): string[] {
  const warnings: string[] = []
  const visit = (expected: ValueShape, actual: JsonValue, at: string, depth: number): void => {
    if (expected.kind === "any" || depth > MAX_DEPTH) return
    const actualShape = shapeOf(actual)
    if (actualShape.kind !== expected.kind) {
      warnings.push(`${at}: ${describe(expected)} in real peers' values, here ${kindOf(actual)}`)
      return
    }
    if (expected.kind === "array" && Array.isArray(actual)) {
      if (expected.items) for (const [index, item] of actual.entries()) visit(expected.items, item, `${at}[${index}]`, depth + 1)
      return
    }
    if (expected.kind !== "object" || !isWireObject(actual)) return
    const record = actual as Record<string, JsonValue>
    for (const key of expected.required) if (!Object.hasOwn(record, key)) warnings.push(`${at}.${key} is missing (every real peer has it)`)
    for (const [key, item] of Object.entries(record)) {
      if (Object.hasOwn(expected.fields, key)) visit(expected.fields[key]!, item, `${at}.${key}`, depth + 1)
      else warnings.push(`${at}.${key} is not in real peers' values`)
    }
  }
  if (shape) visit(shape, value, path, 0)
  if (warnings.length <= MAX_WARNINGS) return warnings
  return [...warnings.slice(0, MAX_WARNINGS), `…and ${warnings.length - MAX_WARNINGS} more differences`]
}
