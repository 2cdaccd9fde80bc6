/**
 * What real peers write in a room, as the starting point for simulated ones:
 * a template value (a real peer's value, with its name, colour and position
 * turned into placeholders) and random-walk bounds from the positions seen.
 * Simulated peers' own keys are left out: the panel must not learn from itself.
 */
import type { WireValue } from "../../protocol/messages"
import type { JsonValue } from "../../protocol/simulate"
import type { RoomState } from "../state/panel-state"
import { isWireObject, readSummary } from "../values/summary"
import { Slot, type Template } from "./template"

/** The live values of a namespace's real peers, most recently changed first. */
export function realValues(room: RoomState | undefined, namespace: string, simulated: ReadonlySet<string>): WireValue[] {
  const entries = room?.namespaces.get(namespace)
  if (!entries) return []
  return [...entries.values()]
    .filter(entry => !entry.deleted && entry.value !== undefined && !simulated.has(entry.key))
    .sort((a, b) => b.changedAt - a.changedAt)
    .map(entry => entry.value!)
}

const NAME_FIELDS = new Set(["name", "displayName", "userName", "username"])
const COLOR_FIELDS = new Set(["color", "colour"])

/** Summaries stand for values JSON cannot hold; a simulated peer cannot write them back. */
function plain(value: WireValue): JsonValue {
  if (readSummary(value)) return null
  if (Array.isArray(value)) return value.map(plain)
  if (isWireObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]))
  return value
}

/**
 * The editor's starting value, from one real peer's value: a string name
 * field becomes `{{name}}` and a string colour field `{{color}}`, so fifty
 * peers get fifty names and colours, and numeric `x`/`y` become random
 * ranges within `bounds`, so fifty cursors start spread over the page
 * instead of stacked on the real peer's. `{}` without a value.
 */
export function templateValue(value: WireValue | undefined, bounds: WalkDefaults["bounds"] = FALLBACK.bounds): Template {
  if (value === undefined) return {}
  const visit = (current: JsonValue): Template => {
    if (Array.isArray(current)) return current.map(visit)
    if (!isWireObject(current)) return current
    const record = current as Record<string, JsonValue>
    const positioned = typeof record.x === "number" && typeof record.y === "number"
    const template: Record<string, Template> = {}
    for (const [key, item] of Object.entries(record)) {
      if (typeof item === "string" && NAME_FIELDS.has(key)) template[key] = "{{name}}"
      else if (typeof item === "string" && COLOR_FIELDS.has(key)) template[key] = "{{color}}"
      else if (positioned && (key === "x" || key === "y"))
        template[key] = new Slot({ kind: "rand", min: bounds[key][0], max: bounds[key][1] })
      else template[key] = visit(item)
    }
    return template
  }
  return visit(plain(value))
}

export interface WalkDefaults {
  bounds: { x: [number, number]; y: [number, number] }
  step: number
}

/** A range narrower than this is widened around its centre: one peer's position says little. */
const MIN_SPAN = 400
const FALLBACK: WalkDefaults = { bounds: { x: [0, 800], y: [0, 600] }, step: 8 }

function rangeOf(values: readonly number[]): [number, number] {
  let min = Math.min(...values)
  let max = Math.max(...values)
  if (max - min < MIN_SPAN) {
    const centre = (min + max) / 2
    min = centre - MIN_SPAN / 2
    max = centre + MIN_SPAN / 2
    // Page coordinates seen only as positive stay positive.
    if (Math.min(...values) >= 0 && min < 0) {
      max -= min
      min = 0
    }
  }
  return [Math.floor(min), Math.ceil(max)]
}

/** Random-walk bounds covering the x/y positions real peers reported, and a step of 1% of the larger span. */
export function walkDefaults(samples: readonly WireValue[]): WalkDefaults {
  const xs: number[] = []
  const ys: number[] = []
  for (const sample of samples) {
    if (!isWireObject(sample) || typeof sample.x !== "number" || typeof sample.y !== "number") continue
    if (!Number.isFinite(sample.x) || !Number.isFinite(sample.y)) continue
    xs.push(sample.x)
    ys.push(sample.y)
  }
  if (xs.length === 0) return FALLBACK
  const x = rangeOf(xs)
  const y = rangeOf(ys)
  return { bounds: { x, y }, step: Math.max(1, Math.round(Math.max(x[1] - x[0], y[1] - y[0]) / 100)) }
}

/** Whether a value has numeric x and y: what a random walk moves. */
export function hasPosition(value: JsonValue): boolean {
  return isWireObject(value) && typeof value.x === "number" && typeof value.y === "number"
}

/** Boolean fields of an object value: what a toggle can flip. */
export function booleanFields(value: JsonValue): string[] {
  return isWireObject(value) ? Object.keys(value).filter(key => typeof value[key] === "boolean") : []
}
