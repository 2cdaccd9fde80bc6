/**
 * Reading the hook's value summaries: objects tagged with SUMMARY_TAG that
 * stand for what JSON cannot carry (bytes, Maps, cycles, truncated strings…).
 * Field names are read tolerantly: a summary missing a field still renders,
 * and a tag this panel does not know shows its raw fields.
 */
import { SUMMARY_TAG, type SummaryKind, type WireValue } from "../../protocol/messages"

export type WireObject = { [key: string]: WireValue }

export interface Summary {
  kind: SummaryKind | (string & {})
  fields: WireObject
}

export function isWireObject(value: WireValue | undefined): value is WireObject {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

export function readSummary(value: WireValue | undefined): Summary | undefined {
  if (!isWireObject(value) || !Object.hasOwn(value, SUMMARY_TAG)) return undefined
  const tag = value[SUMMARY_TAG]
  if (typeof tag === "string") return { kind: tag, fields: value }
  if (isWireObject(tag) && typeof tag.kind === "string") return { kind: tag.kind, fields: { ...value, ...tag } }
  return { kind: "unknown", fields: value }
}

/** The first field present among `names`. */
export function field(summary: Summary, ...names: string[]): WireValue | undefined {
  for (const name of names) if (Object.hasOwn(summary.fields, name)) return summary.fields[name]
  return undefined
}

export function textField(summary: Summary, ...names: string[]): string | undefined {
  const value = field(summary, ...names)
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined
}

export function numberField(summary: Summary, ...names: string[]): number | undefined {
  const value = field(summary, ...names)
  if (typeof value === "number" && Number.isFinite(value)) return value
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

/** Byte values as two-digit hex, from a hex string or an array of numbers. */
export function hexBytes(value: WireValue | undefined): string[] {
  if (typeof value === "string") return value.replace(/[^0-9a-f]/gi, "").match(/../g) ?? []
  if (Array.isArray(value)) {
    return value.filter((byte): byte is number => typeof byte === "number").map(byte => (byte & 0xff).toString(16).padStart(2, "0"))
  }
  return []
}

/** The fields that are not the tag or one of the `known` ones, so nothing the hook sent is hidden. */
export function extraFields(summary: Summary, known: readonly string[]): Array<[string, WireValue]> {
  return Object.entries(summary.fields).filter(([name]) => name !== SUMMARY_TAG && !known.includes(name))
}
