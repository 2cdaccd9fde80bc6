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
import {
  SUMMARY_TAG,
  type CommandSummary,
  type EventTapeMessage,
  type HookEvent,
  type HookToPanelMessage,
  type StoreEntry,
  type TapeToken,
  type WireValue,
} from "../../protocol/messages"
import { hexToBytes } from "../hex"
import { decodeEphemeralEntry } from "../loro-ephemeral/ephemeral-codec"
import { toStoreEntry } from "../loro-ephemeral/store-entry"
import { EntryFlag, EVENT_LAYOUTS, KIND_CODES, ValTag } from "./layout"

export class TapeError extends Error {
  constructor(message: string, position: number) {
    super(`event tape: ${message} (at token ${position})`)
    this.name = "TapeError"
  }
}

/** Deeper values than this are refused (the hook's serializer stops at 12). */
const MAX_VALUE_DEPTH = 64

/**
 * Same tokens let a small tape describe a huge value (each note holding the
 * previous one twice doubles it). The values a tape expands to may have at
 * most this many nodes per token, and never more than MAX_EXPANDED_NODES.
 * Generous: one frame sent to a thousand channels in one tape must pass.
 */
const EXPANSION_PER_TOKEN = 1_024
const MAX_EXPANDED_NODES = 20_000_000

/** Expands a tape into its events; throws TapeError for a malformed one. */
export function decodeEventTape(message: EventTapeMessage): HookEvent[] {
  const { firstId, t0, events, ops } = message
  if (!Number.isSafeInteger(firstId) || !Number.isFinite(t0) || !Number.isSafeInteger(events) || events < 0 || !Array.isArray(ops)) {
    throw new TapeError("bad header", 0)
  }
  if (events > ops.length) throw new TapeError(`${events} events in ${ops.length} tokens`, 0)
  const reader = new TapeReader(ops)
  const decoded: HookEvent[] = []
  let t = t0
  for (let ordinal = 0; ordinal < events; ordinal++) {
    const event = reader.event(firstId + ordinal, t)
    t = event.t
    decoded.push(event)
  }
  if (!reader.done) throw new TapeError(`${ops.length - reader.position} tokens after ${events} events`, reader.position)
  return decoded
}

/**
 * The tape's events as repo/events messages, one per run of events of the
 * same repo: what the rest of the panel works with. Throws TapeError.
 */
export function tapeAsRepoEvents(tape: EventTapeMessage): Array<Extract<HookToPanelMessage, { type: "repo/events" }>> {
  const messages: Array<Extract<HookToPanelMessage, { type: "repo/events" }>> = []
  let open: Extract<HookToPanelMessage, { type: "repo/events" }> | undefined
  for (const event of decodeEventTape(tape)) {
    if (open?.repoId !== event.repoId) {
      open = { type: "repo/events", repoId: event.repoId, events: [] }
      messages.push(open)
    }
    open.events.push(event)
  }
  return messages
}

/** A noted value: the value, and what it weighs once expanded, for Same. */
interface Note {
  value: WireValue
  /** Undefined while the value is still being read (a Same to it would be a cycle). */
  nodes: number | undefined
  height: number
}

class TapeReader {
  readonly #ops: readonly TapeToken[]
  readonly #strings: string[] = []
  readonly #notes: Note[] = []
  readonly #maxNodes: number
  /** Nodes read so far, Same values counted as expanded. */
  #nodes = 0
  /** Height of the value `val` returned last. */
  #height = 0
  #position = 0

  constructor(ops: readonly TapeToken[]) {
    this.#ops = ops
    this.#maxNodes = Math.min(MAX_EXPANDED_NODES, Math.max(1_000, ops.length * EXPANSION_PER_TOKEN))
  }

  get position(): number {
    return this.#position
  }

  get done(): boolean {
    return this.#position === this.#ops.length
  }

  event(id: number, previousT: number): HookEvent {
    const kind = KIND_CODES[this.#count("kind")]
    if (kind === undefined) this.#fail("unknown event kind")
    const repoId = this.str()
    const t = previousT + this.num()
    const event: Record<string, unknown> = { id, repoId, t, kind }
    for (const [name, token] of EVENT_LAYOUTS[kind!]) {
      switch (token) {
        case "str":
          event[name] = this.str()
          break
        case "opt": {
          const value = this.opt()
          if (value !== undefined) event[name] = value
          break
        }
        case "num":
        case "size":
          event[name] = this.num()
          break
        case "bool":
          event[name] = this.bool()
          break
        case "val":
          event[name] = this.val()
          break
        case "record": {
          const value = this.val()
          if (!isRecord(value)) this.#fail(`${name} is not an object`)
          event[name] = value
          break
        }
        case "numbers": {
          const value = this.val()
          if (!Array.isArray(value) || !value.every(item => typeof item === "number")) this.#fail(`${name} is not a list of numbers`)
          event[name] = value
          break
        }
        case "commands":
          event[name] = this.#commands()
          break
        case "entries": {
          const entries: StoreEntry[] = []
          for (let left = this.#count("entry count"); left > 0; left--) entries.push(this.#entry())
          event[name] = entries
          break
        }
      }
    }
    // The layout matches HookEvent field for field (checked where it is declared).
    return event as unknown as HookEvent
  }

  #commands(): CommandSummary[] {
    const commands: CommandSummary[] = []
    for (let left = this.#count("command count"); left > 0; left--) {
      const type = this.str()
      const depth = this.num()
      commands.push(this.bool() ? { type, depth, detail: this.val() } : { type, depth })
    }
    return commands
  }

  #entry(): StoreEntry {
    const key = this.str()
    const flags = this.num()
    if (flags === EntryFlag.Encoded) return this.#encodedEntry(key)
    const value = flags & EntryFlag.Value ? { value: this.val() } : {}
    const timestamp = flags & EntryFlag.Timestamp ? { timestamp: this.num() } : {}
    const size = flags & EntryFlag.Size ? { size: this.num() } : {}
    return { key, ...value, deleted: (flags & EntryFlag.Deleted) !== 0, ...timestamp, ...size }
  }

  str(): string {
    const token = this.#next("string")
    if (typeof token === "string") {
      this.#strings.push(token)
      return token
    }
    if (typeof token === "number" && Number.isInteger(token)) {
      const listed = this.#strings[token]
      if (listed !== undefined) return listed
    }
    return this.#fail("bad string reference")
  }

  opt(): string | undefined {
    if (this.#ops[this.#position] === null) {
      this.#position++
      return undefined
    }
    return this.str()
  }

  num(): number {
    const token = this.#next("number")
    if (typeof token !== "number" || !Number.isFinite(token)) this.#fail("expected a number")
    return token as number
  }

  bool(): boolean {
    const token = this.#next("boolean")
    if (typeof token !== "boolean") this.#fail("expected a boolean")
    return token as boolean
  }

  #encodedEntry(key: string): StoreEntry {
    const bytes = hexToBytes(this.str())
    if (!bytes) this.#fail("store entry bytes are not hex")
    let entry: StoreEntry
    try {
      entry = toStoreEntry(decodeEphemeralEntry(bytes!))
    } catch (error) {
      this.#fail(`store entry does not decode: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (entry!.key !== key) this.#fail("store entry bytes are for another key")
    return entry!
  }

  /** A value; its height (levels below it) is left in #height for the caller. */
  val(depth = 0): WireValue {
    if (depth > MAX_VALUE_DEPTH) this.#fail("value nested too deep")
    if (++this.#nodes > this.#maxNodes) this.#fail("values expand too far")
    this.#height = 0
    const tag = this.#next("value tag")
    switch (tag) {
      case ValTag.Null:
        return null
      case ValTag.False:
        return false
      case ValTag.True:
        return true
      case ValTag.Number:
        return this.num()
      case ValTag.String:
        return this.str()
      case ValTag.Array: {
        const items: WireValue[] = []
        const note = this.#open(items)
        const nodesBefore = this.#nodes
        let height = 0
        for (let left = this.#count("array length"); left > 0; left--) {
          items.push(this.val(depth + 1))
          height = Math.max(height, this.#height + 1)
        }
        return this.#close(note, nodesBefore, height)
      }
      case ValTag.Object: {
        const record: { [key: string]: WireValue } = {}
        const note = this.#open(record)
        const nodesBefore = this.#nodes
        let height = 0
        for (let left = this.#count("object size"); left > 0; left--) {
          const key = this.str()
          const item = this.val(depth + 1)
          height = Math.max(height, this.#height + 1)
          // A "__proto__" key stays data, never the prototype.
          if (key === "__proto__") Object.defineProperty(record, key, { value: item, enumerable: true, writable: true, configurable: true })
          else record[key] = item
        }
        return this.#close(note, nodesBefore, height)
      }
      case ValTag.Bytes: {
        const type = this.str()
        const length = this.num()
        const hex = this.#next("hex")
        if (typeof hex !== "string") this.#fail("bytes without hex")
        const bytes = { [SUMMARY_TAG]: "bytes", type, length, hex: hex as string, truncated: this.bool() }
        this.#notes.push({ value: bytes, nodes: 1, height: 0 })
        this.#height = 0
        return bytes
      }
      case ValTag.Raw:
        // Not walked: the hook's serializer capped its size and depth.
        this.#height = 0
        return this.#next("raw value") as WireValue
      case ValTag.Same: {
        const note = this.#notes[this.#count("note")]
        if (note?.nodes === undefined) this.#fail("Same names no finished value")
        if (depth + note!.height > MAX_VALUE_DEPTH) this.#fail("value nested too deep")
        this.#nodes += note!.nodes! - 1
        if (this.#nodes > this.#maxNodes) this.#fail("values expand too far")
        this.#height = note!.height
        return note!.value
      }
      default:
        return this.#fail("unknown value tag")
    }
  }

  #open(value: WireValue): Note {
    const note: Note = { value, nodes: undefined, height: 0 }
    this.#notes.push(note)
    return note
  }

  #close<T extends WireValue>(note: Note, nodesBefore: number, height: number): T {
    note.nodes = this.#nodes - nodesBefore + 1
    note.height = height
    this.#height = height
    return note.value as T
  }

  /** A non-negative integer no larger than what is left: counts can never make us loop past the end. */
  #count(what: string): number {
    const token = this.#next(what)
    if (typeof token !== "number" || !Number.isInteger(token) || token < 0 || token > this.#ops.length) this.#fail(`bad ${what}`)
    return token as number
  }

  #next(what: string): TapeToken {
    if (this.#position >= this.#ops.length) this.#fail(`tape ends before ${what}`)
    return this.#ops[this.#position++]!
  }

  #fail(message: string): never {
    throw new TapeError(message, this.#position)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}
