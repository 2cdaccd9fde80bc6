/**
 * What a frame costs, counted without decoding it: channel messages (a
 * batch counts as the messages inside it) and the ephemeral entries its
 * payloads carry (each payload's encoding starts with its entry count).
 * The traffic rates and the detectors count every frame with these.
 */
import type { WireValue } from "../../protocol/messages"
import { field, readSummary } from "../values/summary"
import { ephemeralPayloads, flattenBatch } from "./channel-message"

const NIBBLE = (code: number): number =>
  code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : code >= 65 && code <= 70 ? code - 55 : -1

/** The leading varint of hex-encoded bytes (an EphemeralStore encoding's entry count); 0 when unreadable. */
export function leadingCount(hex: string): number {
  let value = 0
  let scale = 1
  for (let index = 0; index + 1 < hex.length && index < 10; index += 2) {
    const high = NIBBLE(hex.charCodeAt(index))
    const low = NIBBLE(hex.charCodeAt(index + 1))
    if (high < 0 || low < 0) return 0
    const byte = (high << 4) | low
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) return value
    scale *= 128
  }
  return 0
}

/** Entries in one payload's bytes summary. */
export function entryCount(data: WireValue): number {
  const summary = readSummary(data)
  const hex = summary ? field(summary, "hex") : undefined
  return typeof hex === "string" ? leadingCount(hex) : 0
}

/** Channel messages in a frame: a batch counts as the messages inside it. */
export function messagesIn(message: WireValue | undefined): number {
  let count = 0
  for (const inner of flattenBatch(message)) if (inner.type !== "channel/batch") count++
  return count
}

/** Ephemeral entries a frame carries, with who sent each payload. */
export function entriesBySender(message: WireValue | undefined): Array<{ sender?: string; entries: number }> {
  return ephemeralPayloads(message).map(payload => ({
    ...(payload.sender !== undefined ? { sender: payload.sender } : {}),
    entries: entryCount(payload.data),
  }))
}
