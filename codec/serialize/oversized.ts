/**
 * Store values too big to ship whole. A 5 MB presence value used to travel
 * as 10 MB of hex inside an event tape, which the batcher then refused with
 * every event beside it. Beyond MAX_STORE_VALUE_BYTES the hook sends a
 * summary instead: the entry (key, timestamp, size) still arrives, so the
 * panel's map has the key, and the value shows as "string, 5.0 MB: first
 * 64 kB shown".
 */
import { SUMMARY_TAG, type WireValue } from "../../protocol/messages"
import { serialize } from "./serialize"
import type { ValueSummary } from "./summaries"

/** A store entry whose encoding is larger than this travels as an `oversized` summary. */
export const MAX_STORE_VALUE_BYTES = 128 * 1024
/** Chars of an oversized string that are shown. */
export const OVERSIZED_HEAD_CHARS = 64 * 1024

/** `bytes`: the size of the value's encoding in the store. */
export function oversizedSummary(value: unknown, bytes: number): ValueSummary {
  if (typeof value === "string") {
    const head = stringHead(value, OVERSIZED_HEAD_CHARS)
    return { [SUMMARY_TAG]: "oversized", valueType: "string", bytes, head, headBytes: new TextEncoder().encode(head).length }
  }
  // Its shape, with long strings cut to the same head a string gets; every other cap as usual.
  const head: WireValue = serialize(value, { maxStringLength: OVERSIZED_HEAD_CHARS, stringHead: OVERSIZED_HEAD_CHARS })
  return { [SUMMARY_TAG]: "oversized", valueType: typeName(value), bytes, head }
}

/** The first `chars` chars, without splitting a surrogate pair. */
function stringHead(value: string, chars: number): string {
  if (value.length <= chars) return value
  const last = value.charCodeAt(chars - 1)
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? chars - 1 : chars)
}

function typeName(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return "array"
  if (value instanceof Uint8Array) return "bytes"
  return typeof value
}
