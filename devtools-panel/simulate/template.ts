/**
 * Value templates for simulated peers: JSON with placeholders that each
 * peer fills in its own way.
 *
 *   {{n}}            the peer's number (ghost-7 -> 7)
 *   {{name}}         the peer's name
 *   {{color}}        a colour of its own
 *   {{rand MIN MAX}} a random number in [MIN, MAX] (whole when both bounds are)
 *
 * A placeholder takes the type of where it stands: unquoted, in a JSON value
 * position, it is the value itself (`{"x": {{rand 0 800}}}` is a number,
 * `{"label": {{name}}}` a string); inside a string it becomes text
 * (`"ghost #{{n}}"`). Inside strings only these placeholders are replaced:
 * an app's own `{{…}}` text stays as it is.
 *
 * Parsing swaps each unquoted placeholder for a JSON string of exactly its
 * length, so the browser's JSON error positions still point into what the
 * user typed.
 */
import type { JsonValue } from "../../protocol/simulate"
import { parseJsonText } from "./json-text"

export type Placeholder =
  | { readonly kind: "n" }
  | { readonly kind: "name" }
  | { readonly kind: "color" }
  | { readonly kind: "rand"; readonly min: number; readonly max: number }

/** A placeholder standing where a JSON value goes. */
export class Slot {
  constructor(readonly placeholder: Placeholder) {}
}

/** JSON with slots in value positions; strings may hold placeholders as text. */
export type Template = JsonValue | Slot | Template[] | { [key: string]: Template }

export interface PeerVars {
  name: string
  n: number
  /** [0, 1), like Math.random (tests pass a seeded one). */
  random?: () => number
}

export type TemplateParse = { ok: true; template: Template } | { ok: false; error: string }

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g
const NUMBER = /^-?\d+(\.\d+)?$/

export const PLACEHOLDER_HELP = "{{n}}, {{name}}, {{color}} or {{rand MIN MAX}}"

/** The placeholder a `{{…}}` body names, or why it names none. */
export function readPlaceholder(body: string): Placeholder | string {
  const words = body.trim().split(/\s+/)
  const [word, ...args] = words
  if (args.length === 0 && (word === "n" || word === "name" || word === "color")) return { kind: word }
  if (word === "rand") {
    if (args.length !== 2 || !args.every(arg => NUMBER.test(arg))) return `{{${body}}}: write {{rand MIN MAX}} with two numbers`
    const [min, max] = args.map(Number) as [number, number]
    if (min > max) return `{{${body}}}: the minimum ${min} is above the maximum ${max}`
    return { kind: "rand", min, max }
  }
  return `Unknown placeholder {{${body}}}: use ${PLACEHOLDER_HELP}`
}

/** A distinct, readable colour per peer number (golden-angle hues). */
export function peerColor(n: number): string {
  return `hsl(${Math.round((n * 137.508) % 360)}, 65%, 45%)`
}

function decimalsOf(value: number): number {
  const text = String(value)
  const dot = text.indexOf(".")
  return dot < 0 ? 0 : text.length - dot - 1
}

export function fillPlaceholder(placeholder: Placeholder, vars: PeerVars): number | string {
  switch (placeholder.kind) {
    case "n":
      return vars.n
    case "name":
      return vars.name
    case "color":
      return peerColor(vars.n)
    case "rand": {
      const { min, max } = placeholder
      const random = (vars.random ?? Math.random)()
      const places = Math.max(decimalsOf(min), decimalsOf(max))
      // Whole bounds give whole numbers, both ends included; else as many decimals as the bounds have.
      if (places === 0) return Math.min(max, min + Math.floor(random * (max - min + 1)))
      const scale = 10 ** places
      return Math.min(max, Math.round((min + random * (max - min)) * scale) / scale)
    }
  }
}

/** A string with its known placeholders filled in; unknown `{{…}}` text is the app's own and stays. */
function fillText(text: string, vars: PeerVars): string {
  return text.replace(PLACEHOLDER, (whole, body: string) => {
    const placeholder = readPlaceholder(body)
    return typeof placeholder === "string" ? whole : String(fillPlaceholder(placeholder, vars))
  })
}

/** One peer's value. */
export function expandTemplate(template: Template, vars: PeerVars): JsonValue {
  if (template instanceof Slot) return fillPlaceholder(template.placeholder, vars)
  if (typeof template === "string") return fillText(template, vars)
  if (Array.isArray(template)) return template.map(item => expandTemplate(item, vars))
  if (template !== null && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([key, item]) => [key, expandTemplate(item, vars)]))
  }
  return template
}

/** A stand-in filling for checks (shape, behaviour): peer 1, named "sample", random at its lowest. */
export function sampleOf(template: Template): JsonValue {
  return expandTemplate(template, { name: "sample", n: 1, random: () => 0 })
}

/** Whether a template's values differ from peer to peer. */
export function hasPlaceholders(template: Template): boolean {
  if (template instanceof Slot) return true
  if (typeof template === "string")
    return [...template.matchAll(PLACEHOLDER)].some(([, body]) => typeof readPlaceholder(body!) !== "string")
  if (Array.isArray(template)) return template.some(hasPlaceholders)
  if (template !== null && typeof template === "object") return Object.values(template).some(hasPlaceholders)
  return false
}

/** A private-use character the text does not contain: the mark of a swapped-in placeholder. */
function unusedMark(text: string): string | undefined {
  for (let code = 0xe000; code <= 0xf8ff; code++) {
    const mark = String.fromCharCode(code)
    if (!text.includes(mark)) return mark
  }
  return undefined
}

/** Swaps unquoted placeholders for same-length marked strings; the slots by their marked text. */
function swapUnquoted(text: string, mark: string): { json: string; slots: Map<string, Slot> } | { error: string } {
  const slots = new Map<string, Slot>()
  let json = ""
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (inString) {
      json += char
      if (char === "\\") json += text[++i] ?? ""
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    if (char !== "{" || text[i + 1] !== "{") {
      json += char
      continue
    }
    const end = text.indexOf("}}", i + 2)
    if (end < 0) return { error: `A placeholder opened at character ${i + 1} is never closed with }}` }
    const body = text.slice(i + 2, end)
    const placeholder = readPlaceholder(body)
    if (typeof placeholder === "string") return { error: placeholder }
    // {{n}} is the shortest placeholder: five characters hold the quotes, the mark and two of index.
    const width = end + 2 - i
    const index = slots.size.toString(36)
    if (index.length > width - 3) return { error: "Too many placeholders in one value" }
    const marked = `${mark}${index}`.padEnd(width - 2, mark)
    slots.set(marked, new Slot(placeholder))
    json += `"${marked}"`
    i = end + 1
  }
  return { json, slots }
}

function withSlots(value: JsonValue, slots: ReadonlyMap<string, Slot>): Template {
  if (typeof value === "string") return slots.get(value) ?? value
  if (Array.isArray(value)) return value.map(item => withSlots(item, slots))
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSlots(item, slots)]))
  }
  return value
}

/** What the user typed, read as a template; JSON errors say where, as for plain JSON. */
export function parseTemplate(text: string): TemplateParse {
  const mark = unusedMark(text)
  if (mark === undefined) return { ok: false, error: "The value uses every private-use character; remove some" }
  const swapped = swapUnquoted(text, mark)
  if ("error" in swapped) return { ok: false, error: swapped.error }
  const parsed = parseJsonText(swapped.json)
  if (!parsed.ok) return { ok: false, error: unswap(parsed.error, mark, swapped.slots) }
  return { ok: true, template: withSlots(parsed.value, swapped.slots) }
}

/** An error message quoting the swapped text (V8 quotes an excerpt) shows the placeholders typed instead. */
function unswap(message: string, mark: string, slots: ReadonlyMap<string, Slot>): string {
  return message.replace(new RegExp(`${mark}[0-9a-z${mark}]*`, "g"), run => {
    const slot = slots.get(run)
    return slot ? placeholderText(slot.placeholder) : "{{…}}"
  })
}

/**
 * A template as text for an editor: JSON, two-space indented, with slots
 * written unquoted. `{{name}}` inside strings stays as typed.
 */
export function formatTemplate(template: Template): string {
  const mark = "\uE000"
  const slots: string[] = []
  const marked = (value: Template): JsonValue => {
    if (value instanceof Slot) {
      slots.push(placeholderText(value.placeholder))
      return `${mark}${slots.length - 1}${mark}`
    }
    if (Array.isArray(value)) return value.map(marked)
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, marked(item)]))
    return value
  }
  const json = JSON.stringify(marked(template), null, 2)
  return json.replace(new RegExp(`"${mark}(\\d+)${mark}"`, "g"), (_, index: string) => slots[Number(index)]!)
}

export function placeholderText(placeholder: Placeholder): string {
  return placeholder.kind === "rand" ? `{{rand ${placeholder.min} ${placeholder.max}}}` : `{{${placeholder.kind}}}`
}
