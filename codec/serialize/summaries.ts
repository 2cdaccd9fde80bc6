/**
 * The SUMMARY_TAG shapes the serializer produces, and the builders for the
 * leaf ones. A summary stands for a value plain JSON cannot carry, or for the
 * part of a value the hook chose not to copy. Containers inside a summary
 * (`props`, `head`, `entries`, `values`) are plain bags of WireValues, never
 * summaries themselves, even when an app key happens to be SUMMARY_TAG.
 */
import { SUMMARY_TAG, type SummaryKind, type WireValue } from "../../protocol/messages"
import { bytesToHex } from "../hex"

type Tagged<K extends SummaryKind, Fields> = { [SUMMARY_TAG]: K } & Fields

export type WireRecord = { [key: string]: WireValue }

export type ValueSummary =
  | Tagged<"undefined", Record<never, never>>
  | Tagged<"bigint", { value: string }>
  /** `hex` holds the first bytes (all of them when `truncated` is false). */
  | Tagged<"bytes", { type: string; length: number; hex: string; truncated: boolean }>
  | Tagged<"map", { size: number; entries: WireValue[][]; truncated: boolean }>
  | Tagged<"set", { size: number; values: WireValue[]; truncated: boolean }>
  /** `iso` and `ms` are null for an invalid Date. */
  | Tagged<"date", { iso: string | null; ms: number | null }>
  | Tagged<"function", { name: string }>
  | Tagged<"symbol", { description: string }>
  /** `path` points at the ancestor the value refers back to ("$" is the root). */
  | Tagged<"cycle", { path: string }>
  | Tagged<"instance", { className: string; props: WireRecord; size: number; truncated: boolean }>
  | Tagged<"error", { name: string; message: string; stack?: string; thrown?: boolean }>
  | Tagged<"truncated-string", { head: string; length: number }>
  | Tagged<"truncated-array", { head: WireValue[]; length: number }>
  | Tagged<"truncated-object", { head: WireRecord; size: number }>
  /** Not expanded: nested deeper than maxDepth, or the node budget ran out. */
  | Tagged<"depth", { kind: string; reason: "depth" | "budget" }>
  /** NaN, Infinity, -Infinity as text. */
  | Tagged<"number", { value: string }>
  /**
   * A store value too big to ship: what it is, how many bytes its encoding
   * takes, and a head (a string's first chars, with their UTF-8 size in
   * `headBytes`; anything else as the serializer shows it within its caps).
   */
  | Tagged<"oversized", { valueType: string; bytes: number; head: WireValue; headBytes?: number }>

const ERROR_TEXT_LIMIT = 4_000

export function undefinedSummary(): ValueSummary {
  return { [SUMMARY_TAG]: "undefined" }
}

export function numberSummary(value: number): ValueSummary {
  return { [SUMMARY_TAG]: "number", value: String(value) }
}

export function bigintSummary(value: bigint): ValueSummary {
  return { [SUMMARY_TAG]: "bigint", value: value.toString() }
}

export function symbolSummary(value: symbol): ValueSummary {
  return { [SUMMARY_TAG]: "symbol", description: value.description ?? "" }
}

/** `value` is a function: typeof said so. */
export function functionSummary(value: { readonly name?: unknown }): ValueSummary {
  let name = ""
  try {
    name = typeof value.name === "string" ? value.name : ""
  } catch {
    // A hostile `name` getter: anonymous is the honest answer.
  }
  return { [SUMMARY_TAG]: "function", name }
}

export function truncatedString(value: string, head: number): ValueSummary {
  return { [SUMMARY_TAG]: "truncated-string", head: value.slice(0, head), length: value.length }
}

export function bytesSummary(view: Uint8Array, type: string, hexLimit: number): ValueSummary {
  return {
    [SUMMARY_TAG]: "bytes",
    type,
    length: view.length,
    hex: bytesToHex(view, hexLimit),
    truncated: view.length > hexLimit,
  }
}

export function dateSummary(value: Date): ValueSummary {
  const ms = Date.prototype.getTime.call(value)
  if (Number.isNaN(ms)) return { [SUMMARY_TAG]: "date", iso: null, ms: null }
  return { [SUMMARY_TAG]: "date", iso: new Date(ms).toISOString(), ms }
}

/** Error objects, and anything a getter or proxy trap threw while we read. */
export function errorSummary(value: unknown, thrown = false): ValueSummary {
  let name = "Error"
  let message = ""
  let stack: string | undefined
  try {
    if (typeof value === "object" && value !== null) {
      const error = value as { name?: unknown; message?: unknown; stack?: unknown }
      if (typeof error.name === "string") name = error.name
      if (typeof error.message === "string") message = error.message.slice(0, ERROR_TEXT_LIMIT)
      if (typeof error.stack === "string") stack = error.stack.slice(0, ERROR_TEXT_LIMIT)
    } else {
      name = "Thrown"
      message = String(value).slice(0, ERROR_TEXT_LIMIT)
    }
  } catch {
    message = "(unreadable error)"
  }
  return {
    [SUMMARY_TAG]: "error",
    name,
    message,
    ...(stack === undefined ? {} : { stack }),
    ...(thrown ? { thrown: true } : {}),
  }
}

export function depthSummary(kind: string, reason: "depth" | "budget"): ValueSummary {
  return { [SUMMARY_TAG]: "depth", kind, reason }
}

export function cycleSummary(path: ReadonlyArray<string | number>): ValueSummary {
  let text = "$"
  for (const segment of path) text += typeof segment === "number" ? `[${segment}]` : `.${segment}`
  return { [SUMMARY_TAG]: "cycle", path: text }
}

/** A key/value write that stays a data property even for "__proto__". */
export function setOwn(target: WireRecord, key: string, value: WireValue): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}
