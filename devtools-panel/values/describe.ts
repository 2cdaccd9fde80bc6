/**
 * What one node of the value tree shows. Pure, so every odd value the page
 * can produce is covered by unit tests instead of discovered in a render.
 */
import type { WireValue } from "../../protocol/messages"
import { formatBytes, formatCount } from "./format"
import { extraFields, field, hexBytes, isWireObject, numberField, readSummary, textField, type Summary } from "./summary"

export type Tone = "string" | "number" | "boolean" | "null" | "special" | "container"

export interface ChildValue {
  name: string
  value: WireValue
}

export interface ValueNode {
  /** A primitive's text, or a container's label ("Array(3)", "Map(2)"). */
  text: string
  tone: Tone
  /** One-line preview of a collapsed container. */
  preview?: string
  /** Present for expandable nodes. */
  children?: ChildValue[]
  /** Children that exist but are not listed (beyond the render cap, or cut by the hook). */
  hidden?: number
  /** The hook cut this value; says what is missing ("1,000,000 chars"). */
  truncated?: string
}

/** More children than this are counted, not rendered. */
export const MAX_CHILDREN = 500
/** Strings longer than this are cut on screen (Copy still copies them whole). */
const MAX_STRING_DISPLAY = 4_000

export function describeValue(value: WireValue | undefined): ValueNode {
  if (value === undefined) return { text: "undefined", tone: "special" }
  if (value === null) return { text: "null", tone: "null" }
  if (typeof value === "string") return { text: quote(value), tone: "string" }
  if (typeof value === "number") return { text: String(value), tone: "number" }
  if (typeof value === "boolean") return { text: String(value), tone: "boolean" }
  if (Array.isArray(value)) {
    return container(
      `Array(${value.length})`,
      value.map((item, index) => ({ name: String(index), value: item })),
      "[",
      "]",
    )
  }
  const summary = readSummary(value)
  if (summary) return describeSummary(summary)
  if (!isWireObject(value)) return { text: String(value), tone: "special" }
  return container(
    "",
    Object.entries(value).map(([name, item]) => ({ name, value: item })),
    "{",
    "}",
  )
}

function quote(text: string): string {
  const shown = text.length > MAX_STRING_DISPLAY ? `${text.slice(0, MAX_STRING_DISPLAY)}…` : text
  return JSON.stringify(shown)
}

function container(label: string, all: ChildValue[], open: string, close: string, truncated?: string, total?: number): ValueNode {
  const children = all.slice(0, MAX_CHILDREN)
  const hidden = Math.max(0, (total ?? all.length) - children.length)
  const keyed = open === "{"
  const parts = all.slice(0, 6).map(child => (keyed ? `${child.name}: ${previewOf(child.value)}` : previewOf(child.value)))
  const more = all.length > parts.length || hidden > 0 ? ", …" : ""
  const preview = `${open}${parts.join(", ")}${more}${close}`
  return {
    text: label || (keyed ? "Object" : "Array"),
    tone: "container",
    preview,
    children,
    ...(hidden > 0 ? { hidden } : {}),
    ...(truncated ? { truncated } : {}),
  }
}

/** A short inline form, used inside a parent's preview. */
export function previewOf(value: WireValue | undefined): string {
  if (value === undefined || value === null || typeof value !== "object") {
    const node = describeValue(value)
    return node.text.length > 40 ? `${node.text.slice(0, 39)}…` : node.text
  }
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `Array(${value.length})`
  const summary = readSummary(value)
  if (summary) {
    const node = describeSummary(summary)
    return node.children ? node.text : node.text.length > 40 ? `${node.text.slice(0, 39)}…` : node.text
  }
  return Object.keys(value).length === 0 ? "{}" : "{…}"
}

function entriesOf(value: WireValue | undefined): ChildValue[] {
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      Array.isArray(item) && item.length === 2 ? { name: keyName(item[0]), value: item[1] } : { name: String(index), value: item },
    )
  }
  if (isWireObject(value)) return Object.entries(value).map(([name, item]) => ({ name, value: item }))
  return []
}

function itemsOf(value: WireValue | undefined): ChildValue[] {
  if (Array.isArray(value)) return value.map((item, index) => ({ name: String(index), value: item }))
  return entriesOf(value)
}

function keyName(key: WireValue): string {
  return typeof key === "string" ? key : previewOf(key)
}

function cut(shown: number, total: number | undefined, unit: string, flagged: boolean): string | undefined {
  if (total !== undefined && total > shown) return `showing ${formatCount(shown)} of ${formatCount(total)} ${unit}`
  return flagged ? `showing ${formatCount(shown)} ${unit}` : undefined
}

function describeSummary(summary: Summary): ValueNode {
  const flagged = field(summary, "truncated") === true
  switch (summary.kind) {
    case "undefined":
      return { text: "undefined", tone: "special" }
    case "number":
      return { text: textField(summary, "value", "text") ?? "NaN", tone: "number" }
    case "bigint":
      return { text: `${textField(summary, "value", "text") ?? "?"}n`, tone: "number" }
    case "date": {
      const raw = field(summary, "value", "iso", "ms", "time")
      const date = typeof raw === "number" ? new Date(raw) : typeof raw === "string" ? new Date(raw) : undefined
      const text = date && !Number.isNaN(date.getTime()) ? date.toISOString() : typeof raw === "string" ? raw : "Invalid Date"
      return { text: `Date(${text})`, tone: "special" }
    }
    case "symbol":
      return { text: `Symbol(${textField(summary, "description", "value", "name") ?? ""})`, tone: "special" }
    case "function":
      return { text: `ƒ ${textField(summary, "name") || "anonymous"}()`, tone: "special" }
    case "cycle": {
      const target = textField(summary, "path", "ref", "target")
      return { text: target ? `[Circular → ${target}]` : "[Circular]", tone: "special" }
    }
    case "depth": {
      const what = textField(summary, "kind")
      const why = textField(summary, "reason") === "budget" ? "the hook's size budget ran out" : "nested deeper than the hook reads"
      return { text: what ? `[${what} …]` : "[…]", tone: "special", truncated: why }
    }
    case "error": {
      const stack = textField(summary, "stack")
      // `thrown`: a getter or proxy trap threw while the hook read the value.
      const thrown = field(summary, "thrown") === true ? " (thrown while reading)" : ""
      const node: ValueNode = {
        text: `${textField(summary, "name") ?? "Error"}: ${textField(summary, "message") ?? ""}${thrown}`,
        tone: "special",
      }
      return stack ? { ...node, preview: node.text, children: [{ name: "stack", value: stack }] } : node
    }
    case "bytes": {
      const length = numberField(summary, "length", "byteLength", "size")
      const bytes = hexBytes(field(summary, "hex", "preview", "head", "bytes", "data"))
      const label = `${textField(summary, "type", "ctor", "className", "name") ?? "Uint8Array"}(${length ?? bytes.length})`
      const more = length !== undefined && length > bytes.length ? " …" : ""
      return { text: [label, ...bytes].join(" ") + more, tone: "special", truncated: cut(bytes.length, length, "bytes", flagged) }
    }
    case "map":
    case "set": {
      const children =
        summary.kind === "map"
          ? entriesOf(field(summary, "entries", "value"))
          : itemsOf(field(summary, "values", "items", "entries", "value"))
      const size = numberField(summary, "size", "length") ?? children.length
      const label = `${summary.kind === "map" ? "Map" : "Set"}(${size})`
      return container(label, children, "{", "}", cut(children.length, size, "entries", flagged), size)
    }
    case "instance": {
      const children = entriesOf(field(summary, "props", "value", "fields", "preview", "entries"))
      const size = numberField(summary, "size") ?? children.length
      const label = textField(summary, "className", "ctor", "constructor", "name") ?? "Object"
      return container(label, children, "{", "}", cut(children.length, size, "fields", flagged), size)
    }
    case "truncated-string": {
      const head = textField(summary, "preview", "head", "value", "text") ?? ""
      const length = numberField(summary, "length", "size")
      return { text: `${quote(head).slice(0, -1)}…"`, tone: "string", truncated: `${formatCount(length ?? head.length)} chars` }
    }
    case "truncated-array": {
      const children = itemsOf(field(summary, "items", "head", "preview", "value"))
      const length = numberField(summary, "length", "size") ?? children.length
      return container(`Array(${length})`, children, "[", "]", cut(children.length, length, "items", true), length)
    }
    case "truncated-object": {
      const children = entriesOf(field(summary, "entries", "value", "preview", "head"))
      const total = numberField(summary, "keys", "size", "count", "length") ?? children.length
      return container("Object", children, "{", "}", cut(children.length, total, "keys", true), total)
    }
    case "oversized": {
      // "string, 5.0 MB: first 64.0 kB shown": the key is there, and so is what the hook could carry of it.
      const type = textField(summary, "valueType") ?? "value"
      const bytes = numberField(summary, "bytes")
      const headBytes = numberField(summary, "headBytes")
      const head = field(summary, "head")
      const shown = headBytes !== undefined ? `first ${formatBytes(headBytes)} shown` : "shown within the hook's caps"
      const text = `${type}, ${bytes === undefined ? "size unknown" : formatBytes(bytes)}: ${shown}`
      if (head === undefined) return { text, tone: "special", truncated: "too large to carry whole" }
      return {
        text,
        tone: "special",
        preview: previewOf(head),
        children: [{ name: "head", value: head }],
        truncated: "too large to carry whole",
      }
    }
    default: {
      const children = extraFields(summary, []).map(([name, value]) => ({ name, value }))
      return container(`⟨${summary.kind}⟩`, children, "{", "}")
    }
  }
}
