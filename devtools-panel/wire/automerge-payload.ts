/**
 * automerge-repo's ephemeral payloads: the `data` of an `ephemeral` message
 * is whatever the sender's handle broadcast, CBOR-encoded with cbor-x (the
 * library automerge-repo itself encodes and decodes with; its no-eval
 * build, which extension pages' content security policy allows). A
 * Presence's messages carry their own marker: an update of one channel, a
 * snapshot of every channel, a heartbeat, a goodbye. Anything else is the
 * app's raw broadcast.
 */
import { decode } from "cbor-x/decode-no-eval"
import type { WireValue } from "../../protocol/messages"
import { serialize } from "../../codec/serialize/serialize"

/** Presence's marker key (PRESENCE_MESSAGE_MARKER in automerge-repo). */
const PRESENCE_MARKER = "__presence"

export interface CborEntry {
  /** The Presence channel, or "message" for a raw broadcast. */
  key: string
  value: WireValue
}

export interface CborPayload {
  /** "presence update", "presence snapshot", "presence heartbeat", "presence goodbye", or "broadcast". */
  kind: string
  entries: CborEntry[]
  /** The decoded message as a whole (for search). */
  value: unknown
}

export function decodeCbor(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: decode(bytes) }
  } catch (error) {
    return { ok: false, error: `not CBOR: ${error instanceof Error ? error.message : String(error)}` }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/** What a decoded ephemeral message says, as entries keyed by channel. */
export function readCborPayload(value: unknown): CborPayload {
  const presence = isRecord(value) ? value[PRESENCE_MARKER] : undefined
  if (!isRecord(presence)) return { kind: "broadcast", entries: [{ key: "message", value: serialize(value) }], value }
  const type = typeof presence.type === "string" ? presence.type : "unknown"
  const entries: CborEntry[] = []
  if (type === "update" && typeof presence.channel === "string") entries.push({ key: presence.channel, value: serialize(presence.value) })
  if (type === "snapshot" && isRecord(presence.state)) {
    for (const [channel, channelValue] of Object.entries(presence.state)) entries.push({ key: channel, value: serialize(channelValue) })
  }
  return { kind: `presence ${type}`, entries, value }
}
