/**
 * Writes one observed event into a tape from the fields a tap hands over,
 * by name, in the order its kind's layout declares (layout.ts): a tap never
 * spells out the tape's order, and the reader reads the same declaration.
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
import type { StoreEntry } from "../../protocol/messages"
import { bytesToHex } from "../hex"
import { serialize } from "../serialize/serialize"
import { EntryFlag, EVENT_LAYOUTS, type EventKind, type FieldLayout, type LayoutOf } from "./layout"
import type { TapeWriter, ValueOptions } from "./writer"

export type { ValueOptions } from "./writer"

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

/** A StoreEntry before serialisation: the store's bytes for it, or `value` as the store holds it. */
export type StoreChangeEntry = { key: string; encoded: Uint8Array } | (Omit<StoreEntry, "value"> & { value?: unknown; encoded?: undefined })

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
export type EventFields<K extends EventKind> = { readonly [F in LayoutOf<K> as F[0]]: TokenInput[F[1]] }

/**
 * Writes an event whole, or not at all: if writing a field throws, the tape
 * is rolled back to where it was and the error rethrown.
 */
export function writeEvent<K extends EventKind>(
  tape: TapeWriter,
  kind: K,
  repoId: string,
  t: number,
  fields: NoInfer<EventFields<K>>,
): void {
  const mark = tape.mark()
  try {
    tape.begin(kind, repoId, t)
    writeFields(tape, EVENT_LAYOUTS[kind], fields as unknown as Readonly<Record<string, unknown>>)
  } catch (error) {
    tape.rollback(mark)
    throw error
  }
}

function writeFields(tape: TapeWriter, layout: readonly FieldLayout[], fields: Readonly<Record<string, unknown>>): void {
  /** The last val written, and the bytes the fast path measured walking it. */
  let lastValue: unknown
  let measured: number | undefined
  for (let index = 0; index < layout.length; index++) {
    const [name, token] = layout[index]!
    const input = fields[name]
    switch (token) {
      case "str":
        tape.str(input as string)
        break
      case "opt":
        tape.opt(input as string | undefined)
        break
      case "num":
        tape.num(input as number)
        break
      case "bool":
        tape.bool(input as boolean)
        break
      case "val":
      case "record":
      case "numbers":
        if (input instanceof OptionedValue) {
          lastValue = input.value
          measured = tape.val(input.value, input.options)
        } else {
          lastValue = input
          measured = tape.val(input)
        }
        break
      case "size":
        tape.num(measured ?? (input as SizeEstimate)(lastValue))
        break
      case "commands":
        writeCommands(tape, input as CommandSource)
        break
      case "entries":
        writeEntries(tape, input as readonly StoreChangeEntry[])
        break
    }
  }
}

const COMMAND_DETAIL: ValueOptions = { references: true }

function writeCommands(tape: TapeWriter, source: CommandSource): void {
  const countAt = tape.reserveCount()
  let count = 0
  source({
    command(type, depth, detail) {
      tape.str(type)
      tape.num(depth)
      const hasDetail = detail !== undefined && hasFieldBesidesType(detail)
      tape.bool(hasDetail)
      if (hasDetail) tape.valWithout(detail, "type", COMMAND_DETAIL)
      count++
    },
  })
  tape.setCount(countAt, count)
}

/** Without building a key list: this runs for every command of every message while a panel listens. */
function hasFieldBesidesType(command: Record<string, unknown>): boolean {
  for (const key in command) if (key !== "type" && Object.hasOwn(command, key)) return true
  return false
}

/** Store values are the page's data: the plain serializer, functions kept as summaries. */
const serializeStoreValue = (value: unknown) => serialize(value)

/**
 * Store entries. An `encoded` entry travels as the store's own bytes for it,
 * which the panel decodes (equal bytes are one listed string); otherwise
 * `value` is the store's (decoded) value.
 */
function writeEntries(tape: TapeWriter, entries: readonly StoreChangeEntry[]): void {
  tape.count(entries.length)
  for (const entry of entries) {
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
    if (hasValue) tape.val(entry.value, { full: serializeStoreValue })
    if (entry.timestamp !== undefined) tape.num(entry.timestamp)
    if (entry.size !== undefined) tape.num(entry.size)
  }
}
