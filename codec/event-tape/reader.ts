/**
 * Reads event tapes back into HookEvents: what the panel's transport does
 * with every repo/event-tape. Each kind's fields are read in the order its
 * layout declares (layout.ts), the same declaration the writer follows.
 *
 * Why a tape at all: a page streaming presence produces a dozen events per
 * update, and turning each into a JSON object (and that object into text,
 * and the text through the relay and the port) cost the page more than the
 * sync library's own work. So, as React DevTools does with its "operations"
 * arrays, the hook writes each event as it happens straight into one flat
 * array of numbers and strings, and the panel expands it back into
 * HookEvents. Nothing about an event is lost: decoding gives the HookEvent
 * the hook would have built. Event ids are firstId, firstId + 1, ...
 *
 * A tape comes from the page: every token is checked, and a malformed tape
 * throws TapeError and nothing else.
 */
import type { CommandSummary, EventTapeMessage, HookToPanelMessage, StoreEntry, TapeEvent } from "../../protocol/messages"
import { hexToBytes } from "../hex"
import { decodeEphemeralEntry } from "../loro-ephemeral/ephemeral-codec"
import { toStoreEntry } from "../loro-ephemeral/store-entry"
import { EntryFlag, EVENT_LAYOUTS, KIND_CODES } from "./layout"
import type { StoreIntake } from "./store-intake"
import { TapeError, TokenReader } from "./token-reader"

export { TapeError } from "./token-reader"

/** Expands a tape into its events (store-ops still raw); throws TapeError for a malformed one. */
export function decodeEventTape(message: EventTapeMessage): TapeEvent[] {
  const { firstId, t0, events, ops } = message
  if (!Number.isSafeInteger(firstId) || !Number.isFinite(t0) || !Number.isSafeInteger(events) || events < 0 || !Array.isArray(ops)) {
    throw new TapeError("bad header", 0)
  }
  if (events > ops.length) throw new TapeError(`${events} events in ${ops.length} tokens`, 0)
  const reader = new TokenReader(ops)
  const decoded: TapeEvent[] = []
  let t = t0
  for (let ordinal = 0; ordinal < events; ordinal++) {
    const event = readEvent(reader, firstId + ordinal, t)
    t = event.t
    decoded.push(event)
  }
  if (!reader.done) throw new TapeError(`${ops.length - reader.position} tokens after ${events} events`, reader.position)
  return decoded
}

/**
 * The tape's events as repo/events messages, one per run of events of the
 * same repo: what the rest of the panel works with. Store-ops go through
 * `intake` (the stream's store replicas), which must have seen the
 * stream's earlier messages. Throws TapeError.
 */
export function tapeAsRepoEvents(tape: EventTapeMessage, intake: StoreIntake): Array<Extract<HookToPanelMessage, { type: "repo/events" }>> {
  const messages: Array<Extract<HookToPanelMessage, { type: "repo/events" }>> = []
  let open: Extract<HookToPanelMessage, { type: "repo/events" }> | undefined
  for (const raw of decodeEventTape(tape)) {
    const event = intake.take(raw)
    if (!event) continue
    if (open?.repoId !== event.repoId) {
      open = { type: "repo/events", repoId: event.repoId, events: [] }
      messages.push(open)
    }
    open.events.push(event)
  }
  return messages
}

function readEvent(reader: TokenReader, id: number, previousT: number): TapeEvent {
  const kind = KIND_CODES[reader.count("kind")]
  if (kind === undefined) reader.fail("unknown event kind")
  const repoId = reader.str()
  const t = previousT + reader.num()
  const event: Record<string, unknown> = { id, repoId, t, kind }
  for (const [name, token] of EVENT_LAYOUTS[kind!]) {
    switch (token) {
      case "str":
        event[name] = reader.str()
        break
      case "opt": {
        const value = reader.opt()
        if (value !== undefined) event[name] = value
        break
      }
      case "num":
      case "size":
        event[name] = reader.num()
        break
      case "bool":
        event[name] = reader.bool()
        break
      case "val":
        event[name] = reader.val()
        break
      case "record": {
        const value = reader.val()
        if (!isRecord(value)) reader.fail(`${name} is not an object`)
        event[name] = value
        break
      }
      case "numbers": {
        const value = reader.val()
        if (!Array.isArray(value) || !value.every(item => typeof item === "number")) reader.fail(`${name} is not a list of numbers`)
        event[name] = value
        break
      }
      case "commands":
        event[name] = readCommands(reader)
        break
      case "entries": {
        const entries: StoreEntry[] = []
        for (let left = reader.count("entry count"); left > 0; left--) entries.push(readEntry(reader))
        event[name] = entries
        break
      }
    }
  }
  // The layout matches HookEvent field for field (checked where it is declared).
  return event as unknown as TapeEvent
}

function readCommands(reader: TokenReader): CommandSummary[] {
  const commands: CommandSummary[] = []
  for (let left = reader.count("command count"); left > 0; left--) {
    const type = reader.str()
    const depth = reader.num()
    commands.push(reader.bool() ? { type, depth, detail: reader.val() } : { type, depth })
  }
  return commands
}

function readEntry(reader: TokenReader): StoreEntry {
  const key = reader.str()
  const flags = reader.num()
  if (flags === EntryFlag.Encoded) return readEncodedEntry(reader, key)
  const value = flags & EntryFlag.Value ? { value: reader.val() } : {}
  const timestamp = flags & EntryFlag.Timestamp ? { timestamp: reader.num() } : {}
  const size = flags & EntryFlag.Size ? { size: reader.num() } : {}
  return { key, ...value, deleted: (flags & EntryFlag.Deleted) !== 0, ...timestamp, ...size }
}

function readEncodedEntry(reader: TokenReader, key: string): StoreEntry {
  const bytes = hexToBytes(reader.str())
  if (!bytes) reader.fail("store entry bytes are not hex")
  let entry: StoreEntry
  try {
    entry = toStoreEntry(decodeEphemeralEntry(bytes!))
  } catch (error) {
    reader.fail(`store entry does not decode: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (entry!.key !== key) reader.fail("store entry bytes are for another key")
  return entry!
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}
