import { type ChannelMsg, deserializeChannelMsg, serializeChannelMsg } from "@loro-extended/repo"
import { isChannelMsgJSON } from "./channel-msg-guard"

/**
 * The demo's wire format: one channel message (a `channel/batch` included)
 * per WebSocket text frame, as the repo's own JSON form (binary fields in
 * base64, version vectors as plain objects).
 */
export function encodeFrame(message: ChannelMsg): string {
  return JSON.stringify(serializeChannelMsg(message))
}

export type DecodedFrame = { ok: true; message: ChannelMsg } | { ok: false; reason: string }

/** Never throws: a peer's bad frame is its problem, not the receiver's. */
export function decodeFrame(text: string): DecodedFrame {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { ok: false, reason: "not JSON" }
  }
  if (!isChannelMsgJSON(parsed)) {
    return { ok: false, reason: `not a channel message (${describeType(parsed)})` }
  }
  try {
    return { ok: true, message: deserializeChannelMsg(parsed) }
  } catch (error) {
    // Reached by bad base64 in a binary field.
    return { ok: false, reason: `undecodable ${parsed.type}: ${String(error)}` }
  }
}

function describeType(value: unknown): string {
  if (typeof value === "object" && value !== null && "type" in value) {
    return `type ${JSON.stringify((value as { type: unknown }).type)}`
  }
  return typeof value
}
