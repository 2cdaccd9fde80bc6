/**
 * The event tape: how the hook's observed events travel to the panel.
 *
 * A page streaming presence produces a dozen events per update, and turning
 * each into a JSON object (and that object into text, and the text through
 * the relay and the port) cost the page more than the sync library's own
 * work. So, as React DevTools does with its "operations" arrays, the hook
 * writes each event as it happens straight into one flat array of numbers
 * and strings, and the panel expands it back into HookEvents. Nothing about
 * an event is lost: decoding gives the HookEvent the hook would have built.
 *
 * Layout: `ops` is a sequence of events, each
 *   kind (KIND_CODES index), repoId (str), dt (ms since the previous event, or since t0)
 * then the fields of its kind (see readEvent). Event ids are firstId, firstId + 1, ...
 *
 * Token kinds:
 *   str   a string slot: a string is new (appended to the tape's string list),
 *         a number is an index into that list. Repeated ids and names cost a number.
 *   opt   a str slot, or null for "absent"
 *   num   a finite number
 *   bool  true or false
 *   val   a WireValue, tag first (ValTag): containers as counts followed by
 *         their items, object keys as str slots; Raw carries a JSON value as
 *         is (the hook's full serializer made it). Every Array, Object and
 *         Bytes value gets a note number, in the order the tape begins them;
 *         Same n is the value of note n again (the hook writes an object it
 *         has already written, a frame passed on, as that).
 *
 * Store entries the hook read from a store travel as the store's own bytes
 * for the entry (EntryFlag.Encoded, hex): the panel decodes them, which the
 * page then need not do.
 */
import { decodeEphemeralEntry } from "../loro-ephemeral/ephemeral-codec"
import { hexToBytes } from "../hex"
import { toStoreEntry } from "../loro-ephemeral/store-entry"
import {
  SUMMARY_TAG,
  type CommandSummary,
  type EventTapeMessage,
  type HookEvent,
  type HookToPanelMessage,
  type ModelDelta,
  type StoreEntry,
  type TapeToken,
  type WireValue,
} from "../../protocol/messages"

export type { EventTapeMessage, TapeToken } from "../../protocol/messages"

export const KIND_CODES = ["sync-message", "channel-in", "channel-out", "emitter", "store", "store-created"] as const satisfies readonly HookEvent["kind"][]

export const ValTag = {
  Null: 0,
  False: 1,
  True: 2,
  Number: 3,
  String: 4,
  Array: 5,
  Object: 6,
  /** type (str), length (num), hex (plain string, not listed), truncated (bool): a bytes summary. */
  Bytes: 7,
  Raw: 8,
  /** note (num): an Array, Object or Bytes value of this tape again. */
  Same: 9,
} as const

/**
 * StoreEntry flags: which optional fields follow the key. Encoded stands
 * alone: a str slot follows, the hex of the entry's bytes as the store
 * encodes it (key, value or tombstone, timestamp).
 */
export const EntryFlag = { Deleted: 1, Value: 2, Timestamp: 4, Size: 8, Encoded: 16 } as const

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
    const base = { id, repoId, t }
    switch (kind) {
      case "sync-message": {
        const msgType = this.str()
        const message = this.val()
        const commands: CommandSummary[] = []
        for (let left = this.#count("command count"); left > 0; left--) {
          const type = this.str()
          const depth = this.num()
          commands.push(this.bool() ? { type, depth, detail: this.val() } : { type, depth })
        }
        const delta = this.val()
        if (!isRecord(delta)) this.#fail("delta is not an object")
        return { ...base, kind, msgType, message, commands, delta: delta as ModelDelta }
      }
      case "channel-in": {
        const channelId = this.num()
        const peerId = this.opt()
        const msgType = this.str()
        const message = this.val()
        const size = this.num()
        return { ...base, kind, channelId, ...(peerId === undefined ? {} : { peerId }), msgType, size, message }
      }
      case "channel-out": {
        const toChannelIds = this.val()
        if (!Array.isArray(toChannelIds) || !toChannelIds.every(item => typeof item === "number")) this.#fail("toChannelIds is not a list of numbers")
        const msgType = this.str()
        const message = this.val()
        const size = this.num()
        const establishment = this.bool()
        return { ...base, kind, toChannelIds: toChannelIds as number[], msgType, size, message, establishment }
      }
      case "emitter":
        return { ...base, kind, name: this.str(), data: this.val() }
      case "store": {
        const docId = this.str()
        const namespace = this.str()
        const by = this.str()
        const entries: StoreEntry[] = []
        for (let left = this.#count("entry count"); left > 0; left--) entries.push(this.#entry())
        return { ...base, kind, docId, namespace, by, entries }
      }
      case "store-created":
        return { ...base, kind, docId: this.str(), namespace: this.str() }
    }
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
