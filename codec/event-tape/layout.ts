/**
 * The event tape's layout: the token tags, and each event kind's fields in
 * the order the tape carries them. Declared once, here: the writer takes a
 * kind's fields by name from what a tap hands it and writes them in this
 * order (event-writer.ts, through per-kind functions `npm run generate`
 * makes from this declaration: kind-writers.ts), the reader reads them back
 * in this order into the HookEvent (reader.ts). A new event kind (a new
 * source library's) is one more entry in EVENT_LAYOUTS, then `npm run
 * generate`; the compile-time checks at the bottom say whether it matches
 * its HookEvent in protocol/messages.ts, and a unit test whether
 * kind-writers.ts is up to date.
 *
 * Every event starts with a header: kind (its index in KIND_CODES), repoId
 * (str), dt (num: ms since the previous event, or since the tape's t0).
 *
 * Field tokens:
 *   str       a string slot: a string is new (appended to the tape's string
 *             list), a number is an index into that list. Repeated ids and
 *             names cost a number.
 *   opt       a str slot, or null for "absent" (the field is then left out)
 *   num       a finite number
 *   bool      true or false
 *   val       a WireValue, tag first (ValTag): containers as counts followed
 *             by their items, object keys as str slots; Raw carries a JSON
 *             value as is (the hook's full serializer made it). Every Array,
 *             Object and Bytes value gets a note number, in the order the
 *             tape begins them; Same n is the value of note n again (the hook
 *             writes an object it has already written, a frame passed on, as
 *             that).
 *   record    a val that must be an object
 *   numbers   a val that must be an array of numbers
 *   size      a num: the bytes of the val written just before it, as the
 *             writer walked it
 *   commands  a count, then per command: type (str), depth (num), has detail
 *             (bool), detail (val)
 *   entries   a count, then per store entry: key (str), flags (EntryFlag),
 *             then what the flags say. Entries the hook read from a store
 *             travel as the store's own bytes (EntryFlag.Encoded, hex): the
 *             panel decodes them, which the page then need not do.
 */
import type { CommandSummary, StoreEntry, TapeEvent, WireValue } from "../../protocol/messages"

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

export type FieldToken = "str" | "opt" | "num" | "bool" | "val" | "record" | "numbers" | "size" | "commands" | "entries"

/** One field: its name in the HookEvent, and how it travels. */
export type FieldLayout = readonly [name: string, token: FieldToken]

/**
 * Each kind's fields in tape order. The order of the kinds is their code on
 * the tape (KIND_CODES): add new kinds at the end, never reorder.
 */
export const EVENT_LAYOUTS = {
  /** One trip through the synchronizer's update function: message in, commands out. */
  "sync-message": [
    ["msgType", "str"],
    ["message", "val"],
    ["commands", "commands"],
    ["delta", "record"],
  ],
  "channel-in": [
    ["channelId", "num"],
    ["peerId", "opt"],
    ["msgType", "str"],
    ["message", "val"],
    ["size", "size"],
    ["discarded", "opt"],
  ],
  "channel-out": [
    ["toChannelIds", "numbers"],
    ["msgType", "str"],
    ["message", "val"],
    ["size", "size"],
    ["establishment", "bool"],
  ],
  emitter: [
    ["name", "str"],
    ["data", "val"],
  ],
  store: [
    ["docId", "str"],
    ["namespace", "str"],
    ["by", "str"],
    ["entries", "entries"],
  ],
  "store-created": [
    ["docId", "str"],
    ["namespace", "str"],
  ],
  "store-op": [
    ["docId", "str"],
    ["namespace", "str"],
    ["op", "str"],
    ["bytes", "str"],
    ["removed", "val"],
    ["timeout", "num"],
    ["oversized", "entries"],
  ],
  model: [
    ["cause", "str"],
    ["delta", "record"],
  ],
} as const satisfies Record<TapeEvent["kind"], readonly FieldLayout[]>

export type EventKind = keyof typeof EVENT_LAYOUTS

/** Kind codes: a kind is written as its index here. */
export const KIND_CODES = Object.keys(EVENT_LAYOUTS) as EventKind[]

/** The fields of `K`'s layout, as [name, token] pairs. */
export type LayoutOf<K extends EventKind> = (typeof EVENT_LAYOUTS)[K][number]

// ---------------------------------------------------------------------------
// Compile-time checks: every HookEvent kind is laid out, with exactly its
// fields, each with a token that can carry the field's type.
// ---------------------------------------------------------------------------

/** What each token decodes to (at most: the field's own type may be narrower). */
interface TokenCarries {
  str: string
  opt: string | undefined
  num: number
  bool: boolean
  val: WireValue
  record: object
  numbers: number[]
  size: number
  commands: CommandSummary[]
  entries: StoreEntry[]
}

type FieldsOf<K extends TapeEvent["kind"]> = Omit<Extract<TapeEvent, { kind: K }>, "id" | "repoId" | "t" | "kind">
type LaidOut<K extends EventKind> = LayoutOf<K>[0]

type Missing = { [K in EventKind]: Exclude<keyof FieldsOf<K>, LaidOut<K>> }[EventKind]
type Extra = { [K in EventKind]: Exclude<LaidOut<K>, keyof FieldsOf<K>> }[EventKind]
type Mistyped = {
  [K in EventKind]: {
    [F in LayoutOf<K> as F[0]]: F[0] extends keyof FieldsOf<K> ? (FieldsOf<K>[F[0]] extends TokenCarries[F[1]] ? never : F[0]) : never
  }[LaidOut<K>]
}[EventKind]

/** Fails to compile, naming the field, when a layout and its HookEvent disagree. */
export const LAYOUTS_MATCH_EVENTS: [Missing, Extra, Mistyped] extends [never, never, never]
  ? true
  : { missing: Missing; extra: Extra; mistyped: Mistyped } = true
