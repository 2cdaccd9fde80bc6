/**
 * automerge-repo's network messages as the hook writes them. An ephemeral
 * message's `data` is the CBOR the sender's handle encoded: it travels whole
 * (the panel decodes it); a sync message's `data` is the automerge sync
 * protocol's bytes, of which the Log shows the size and first bytes only.
 */
import type { ValueOptions } from "../../../codec/event-tape/event-writer"
import { read } from "../shared/read"

/** Messages are never changed once sent: written once per tape, then as references. */
const PLAIN: ValueOptions = { references: true }

export function messageValueOptions(message: unknown): ValueOptions {
  if (read(message, "type") !== "ephemeral") return PLAIN
  const data = read(message, "data")
  return data instanceof Uint8Array ? { references: true, fullBytes: new Set([data]) } : PLAIN
}

/** Bytes of a message the fast path did not walk: its data, plus a little per field. */
export function estimateMessageSize(message: unknown): number {
  const data = read(message, "data")
  return (data instanceof Uint8Array ? data.byteLength : 0) + 16 * countFields(message)
}

function countFields(message: unknown): number {
  try {
    return typeof message === "object" && message !== null ? Object.keys(message).length : 0
  } catch {
    return 0
  }
}
