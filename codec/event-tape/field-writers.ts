/**
 * How each field token of an event is written from what a tap hands over
 * (see layout.ts for the tokens): the pieces the per-kind writers
 * (kind-writers.ts, generated from the layout) are made of.
 *
 * What a tap gives for each field token:
 *   str, opt, num, bool   the value (opt: undefined for absent)
 *   val, record, numbers  the value as the source holds it; `withOptions`
 *                         attaches how to write it (buffers written whole,
 *                         references: see ValueOptions)
 *   size                  an estimate of the preceding val's bytes, used only
 *                         when the full serializer wrote it (the fast path
 *                         measures what it walks)
 *   commands              a function that lists the commands (CommandWriter)
 *   entries               the store entries (StoreChangeEntry)
 */
import type { StoreEntry, WireValue } from "../../protocol/messages"
import { bytesToHex } from "../hex"
import { decodeEphemeralEntry } from "../loro-ephemeral/ephemeral-codec"
import { toStoreEntry } from "../loro-ephemeral/store-entry"
import { MAX_STORE_VALUE_BYTES } from "../serialize/oversized"
import { serialize } from "../serialize/serialize"
import { errorSummary } from "../serialize/summaries"
import { EntryFlag, type EventKind, type LayoutOf } from "./layout"
import type { TapeWriter, ValueOptions } from "./writer"

/** A value with the options to write it with. */
export class OptionedValue {
  constructor(
    readonly value: unknown,
    readonly options: ValueOptions,
  ) {}
}

/** `value`, to be written with `options` (a val field of an event). */
export function withOptions(value: unknown, options: ValueOptions): OptionedValue {
  return new OptionedValue(value, options)
}

/** Rough bytes of a value, for a size field whose value the fast path did not walk. */
export type SizeEstimate = (value: unknown) => number

/** Lists commands into the tape, flattened: a batch, then its children one level deeper. */
export interface CommandWriter {
  /**
   * One command. `source`, when given, is the command object: its fields but
   * `type` become the detail, written with references (a frame a command
   * forwards, or the stores it applies, is usually already in the tape).
   */
  command(type: string, depth: number, source?: Record<string, unknown>): void
}

export type CommandSource = (out: CommandWriter) => void

/**
 * A StoreEntry before serialisation: the store's bytes for it, or `value` as
 * the store holds it (`summarised`: already a WireValue summary, written as is).
 */
export type StoreChangeEntry =
  | { key: string; encoded: Uint8Array }
  | (Omit<StoreEntry, "value"> & { value?: unknown; encoded?: undefined; summarised?: boolean })

interface TokenInput {
  str: string
  opt: string | undefined
  num: number
  bool: boolean
  val: unknown
  record: unknown
  numbers: readonly number[]
  size: SizeEstimate
  commands: CommandSource
  entries: readonly StoreChangeEntry[]
}

/** What a tap hands over for an event of kind `K`: each field of its layout, by name. */
export type EventFields<K extends EventKind> = {
  readonly [F in LayoutOf<K> as F[1] extends "opt" ? never : F[0]]: TokenInput[F[1]]
} & { readonly [F in LayoutOf<K> as F[1] extends "opt" ? F[0] : never]?: TokenInput["opt"] }

/** Writes a val field; returns the bytes the fast path measured, or undefined when the full serializer wrote it. */
export function writeValue(tape: TapeWriter, input: unknown): number | undefined {
  return input instanceof OptionedValue ? tape.val(input.value, input.options) : tape.val(input)
}

/** The value of a val field, options aside (what a size estimate looks at). */
export function unwrapped(input: unknown): unknown {
  return input instanceof OptionedValue ? input.value : input
}

const COMMAND_DETAIL: ValueOptions = { references: true }

class CommandList implements CommandWriter {
  tape: TapeWriter | undefined
  count = 0

  command(type: string, depth: number, source?: Record<string, unknown>): void {
    const tape = this.tape!
    tape.str(type)
    tape.num(depth)
    const hasDetail = source !== undefined && hasFieldBesidesType(source)
    tape.bool(hasDetail)
    if (hasDetail) tape.valWithout(source, "type", COMMAND_DETAIL)
    this.count++
  }
}

/** One list, reused: a sync-message's commands are written on every update the repo handles. */
const LIST = new CommandList()

/** A commands field: its count, then what `source` lists. */
export function writeCommands(tape: TapeWriter, source: CommandSource): void {
  const countAt = tape.reserveCount()
  // A source that wrote an event of its own inside would find the list busy.
  const list = LIST.tape === undefined ? LIST : new CommandList()
  list.tape = tape
  list.count = 0
  try {
    source(list)
  } finally {
    list.tape = undefined
  }
  tape.setCount(countAt, list.count)
}

/** Without building a key list: this runs for every command of every message while a panel listens. */
function hasFieldBesidesType(command: Record<string, unknown>): boolean {
  for (const key in command) if (key !== "type" && Object.hasOwn(command, key)) return true
  return false
}

/** Store values are the page's data: the plain serializer, functions kept as summaries. */
const serializeStoreValue = (value: unknown) => serialize(value)

/**
 * An entries field. An `encoded` entry travels as the store's own bytes for
 * it, which the panel decodes (equal bytes are one listed string), unless
 * it is beyond MAX_STORE_VALUE_BYTES: then it is decoded here and travels
 * with its value summarised (decodedLarge). Otherwise `value` is the
 * store's (decoded) value.
 */
export function writeEntries(tape: TapeWriter, entries: readonly StoreChangeEntry[]): void {
  tape.count(entries.length)
  for (const original of entries) {
    const entry =
      original.encoded && original.encoded.length > MAX_STORE_VALUE_BYTES ? decodedLarge(original.key, original.encoded) : original
    tape.str(entry.key)
    if (entry.encoded) {
      tape.num(EntryFlag.Encoded)
      tape.str(bytesToHex(entry.encoded))
      continue
    }
    const hasValue = "value" in entry
    const flags =
      (entry.deleted ? EntryFlag.Deleted : 0) |
      (hasValue ? EntryFlag.Value : 0) |
      (entry.timestamp === undefined ? 0 : EntryFlag.Timestamp) |
      (entry.size === undefined ? 0 : EntryFlag.Size)
    tape.num(flags)
    if (hasValue) tape.val(entry.value, { full: entry.summarised ? () => entry.value as WireValue : serializeStoreValue })
    if (entry.timestamp !== undefined) tape.num(entry.timestamp)
    if (entry.size !== undefined) tape.num(entry.size)
  }
}

/**
 * An entry too large to ship as bytes, decoded here and sent as its
 * StoreEntry, the value summarised (serialize/oversized.ts). Bytes the
 * store wrote always decode; if not, the entry still arrives, saying so.
 */
function decodedLarge(key: string, encoded: Uint8Array): StoreChangeEntry {
  try {
    return { ...toStoreEntry(decodeEphemeralEntry(encoded)), summarised: true }
  } catch (error) {
    return { key, deleted: false, size: encoded.length, value: errorSummary(error, true), summarised: true }
  }
}
