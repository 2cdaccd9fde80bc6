/**
 * The event tape's token writer: a few array pushes per field, strings
 * listed once per tape, no intermediate objects, and nothing of the app's
 * kept alive until the flush. Events are written through writeEvent
 * (event-writer.ts), which calls these in the order of the kind's layout.
 *
 * Values take a fast path for plain data (the bulk of what a repo passes
 * around) that yields exactly what the full serializer would; anything else
 * (a Map, a class instance, a cap reached) rolls the value back and writes
 * the full serializer's result as one Raw token instead.
 *
 * A repo passes the same objects along: a received frame is the message of
 * the sync-message it causes, its `stores` array rides on the commands and
 * on the frame forwarded to other peers, and repos in one page hand each
 * other the very same message objects. Values written with `references`
 * (messages and commands: immutable by the synchronizer's contract) are
 * remembered by identity, and written again as a Same token.
 */
import { SUMMARY_TAG, type EventTapeMessage, type TapeToken, type WireValue } from "../../protocol/messages"
import { bytesToHex } from "../hex"
import { DEFAULT_SERIALIZE_OPTIONS } from "../serialize/options"
import { KIND_CODES, ValTag, type EventKind } from "./layout"

/** How a value is serialised when it is not plain enough for the fast path. */
export type FullSerializer = (value: unknown, fullBytes: ReadonlySet<object> | undefined) => WireValue

export interface ValueOptions {
  /** Buffers written whole (ephemeral payloads); others as their first bytes. */
  fullBytes?: ReadonlySet<object>
  /** The serializer this value falls back to (the writer's own by default). */
  full?: FullSerializer
  /**
   * An object or buffer written earlier in this tape (itself with
   * `references`) is written as a Same token, and this one is remembered.
   * Only for values nobody mutates: messages and commands.
   */
  references?: boolean
}

/** The fast path gives up beyond these (the full serializer then decides); all well inside its caps. */
const FAST = {
  maxDepth: DEFAULT_SERIALIZE_OPTIONS.maxDepth - 2,
  maxNodes: 2_000,
  maxStringLength: DEFAULT_SERIALIZE_OPTIONS.maxStringLength,
  maxChars: 100_000,
  maxArrayLength: DEFAULT_SERIALIZE_OPTIONS.maxArrayLength,
  maxObjectKeys: DEFAULT_SERIALIZE_OPTIONS.maxObjectKeys,
  bytesHead: DEFAULT_SERIALIZE_OPTIONS.bytesHead,
  fullBytesLimit: DEFAULT_SERIALIZE_OPTIONS.fullBytesLimit,
}

/**
 * Containers are remembered for Same only this close to the value's root:
 * what a repo passes along whole (a frame, its `stores` array), not every
 * small object deep inside a value; remembering costs a Map entry each.
 */
const REMEMBER_DEPTH = 1

/** Thrown inside the fast path to fall back; never escapes `val`. */
const NOT_PLAIN = Symbol("not plain")

const KIND_CODE = new Map<string, number>(KIND_CODES.map((kind, code) => [kind, code]))

/** Chars a token adds to the JSON text besides its strings: a comma, digits. */
const CHARS_PER_TOKEN = 3

export class TapeWriter {
  readonly #ops: TapeToken[] = []
  readonly #listed = new Map<string, number>()
  /** Listed strings in order, so a rolled-back value can unlist its own. */
  readonly #listOrder: string[] = []
  /** Containers written with `references`: their note number (every container written gets one, in order). */
  readonly #notes = new Map<object, number>()
  /** The keys of #notes in the order they were added, so a rollback can forget its own. */
  readonly #noted: object[] = []
  /** The size (as `val` measures it) of each remembered container, by note number. */
  readonly #noteSizes: number[] = []
  #noteCount = 0
  /** Buffers written as a head only, so far: a container holding one is not remembered. */
  #heads = 0
  readonly #full: FullSerializer
  readonly firstId: number
  readonly t0: number
  #lastT: number
  #events = 0
  #chars = 0
  #nodes = 0
  #valueChars = 0
  #valueSize = 0

  constructor(firstId: number, t0: number, full: FullSerializer) {
    this.firstId = firstId
    this.t0 = t0
    this.#lastT = t0
    this.#full = full
  }

  get events(): number {
    return this.#events
  }

  /** Roughly the length of the tape's JSON text. */
  get chars(): number {
    return this.#chars + this.#ops.length * CHARS_PER_TOKEN
  }

  /** Where the tape ends now; `rollback` returns to it. */
  mark(): TapeMark {
    return {
      ops: this.#ops.length,
      listed: this.#listOrder.length,
      events: this.#events,
      chars: this.#chars,
      lastT: this.#lastT,
      notes: this.#noteCount,
      noted: this.#noted.length,
    }
  }

  /** Forgets everything written since `mark` (an event whose writing failed half-way). */
  rollback(mark: TapeMark): void {
    this.#ops.length = mark.ops
    while (this.#listOrder.length > mark.listed) this.#listed.delete(this.#listOrder.pop()!)
    while (this.#noted.length > mark.noted) this.#notes.delete(this.#noted.pop()!)
    this.#noteCount = mark.notes
    this.#noteSizes.length = Math.min(this.#noteSizes.length, mark.notes)
    this.#events = mark.events
    this.#chars = mark.chars
    this.#lastT = mark.lastT
  }

  /** Starts an event: its header (layout.ts). Returns its ordinal in this tape. */
  begin(kind: EventKind, repoId: string, t: number): number {
    const code = KIND_CODE.get(kind)
    if (code === undefined) throw new Error(`event tape: no layout for kind ${String(kind)}`)
    this.#ops.push(code)
    this.str(repoId)
    const at = Number.isFinite(t) ? t : this.#lastT
    this.#ops.push(at - this.#lastT)
    this.#lastT = at
    return this.#events++
  }

  str(value: string): void {
    const index = this.#listed.get(value)
    if (index !== undefined) {
      this.#ops.push(index)
      return
    }
    this.#listed.set(value, this.#listOrder.length)
    this.#listOrder.push(value)
    this.#ops.push(value)
    this.#chars += value.length
  }

  opt(value: string | undefined): void {
    if (value === undefined) this.#ops.push(null)
    else this.str(value)
  }

  num(value: number): void {
    this.#ops.push(Number.isFinite(value) ? value : 0)
  }

  bool(value: boolean): void {
    this.#ops.push(value)
  }

  /**
   * Writes `value` as the full serializer would see it. Returns its rough
   * size in bytes as it was walked (string lengths, payload bytes, 8 per
   * number), or undefined when the full serializer wrote it.
   */
  val(value: unknown, options: ValueOptions = {}): number | undefined {
    const mark = this.mark()
    this.#nodes = 0
    this.#valueChars = 0
    this.#valueSize = 0
    try {
      this.#fast(value, 0, options)
      return this.#valueSize
    } catch {
      // NOT_PLAIN, or a getter that threw: the full serializer knows how to show either.
      this.rollback(mark)
      return this.#raw(value, options)
    }
  }

  /** Like `val` for the record `value` without its `omit` key (a command without its type), without copying it. */
  valWithout(value: Record<string, unknown>, omit: string, options: ValueOptions = {}): number | undefined {
    const mark = this.mark()
    this.#nodes = 0
    this.#valueChars = 0
    this.#valueSize = 0
    try {
      this.#nodes++
      this.#record(value, 0, options, omit)
      return this.#valueSize
    } catch {
      this.rollback(mark)
      const rest: Record<string, unknown> = {}
      try {
        for (const key of Object.keys(value)) if (key !== omit) rest[key] = value[key]
      } catch {
        // A throwing getter: the fields read so far are what can be shown.
      }
      return this.#raw(rest, options)
    }
  }

  #raw(value: unknown, options: ValueOptions): undefined {
    const full = (options.full ?? this.#full)(value, options.fullBytes)
    this.#ops.push(ValTag.Raw, full)
    this.#chars += JSON.stringify(full).length
    return undefined
  }

  /** A count written before the items it counts are known: `setCount` fills it in. */
  reserveCount(): number {
    this.#ops.push(0)
    return this.#ops.length - 1
  }

  setCount(at: number, value: number): void {
    this.#ops[at] = value
  }

  /** Counts for lists the caller writes item by item. */
  count(value: number): void {
    this.#ops.push(value)
  }

  /** The finished tape. The writer must not be used afterwards. */
  seal(): EventTapeMessage {
    return { type: "repo/event-tape", firstId: this.firstId, t0: this.t0, events: this.#events, ops: this.#ops }
  }

  #fast(value: unknown, depth: number, options: ValueOptions): void {
    if (++this.#nodes > FAST.maxNodes) throw NOT_PLAIN
    switch (typeof value) {
      case "string":
        if (value.length > FAST.maxStringLength) throw NOT_PLAIN
        this.#valueChars += value.length
        this.#valueSize += value.length
        if (this.#valueChars > FAST.maxChars) throw NOT_PLAIN
        this.#ops.push(ValTag.String)
        this.str(value)
        return
      case "number":
        if (!Number.isFinite(value)) throw NOT_PLAIN
        this.#ops.push(ValTag.Number, value === 0 ? 0 : value)
        this.#valueSize += 8
        return
      case "boolean":
        this.#ops.push(value ? ValTag.True : ValTag.False)
        this.#valueSize += 1
        return
      case "object":
        if (value === null) {
          this.#ops.push(ValTag.Null)
          return
        }
        if (depth >= FAST.maxDepth) throw NOT_PLAIN
        if (options.references) {
          const note = this.#notes.get(value)
          if (note !== undefined) {
            this.#ops.push(ValTag.Same, note)
            this.#valueSize += this.#noteSizes[note]!
            return
          }
        }
        if (Array.isArray(value)) this.#array(value, depth, options)
        else if (value instanceof Uint8Array) this.#bytes(value, depth, options)
        else this.#record(value, depth, options)
        return
      default:
        // undefined, bigint, symbol, function: the full serializer summarises them.
        throw NOT_PLAIN
    }
  }

  #array(value: readonly unknown[], depth: number, options: ValueOptions): void {
    if (value.length > FAST.maxArrayLength) throw NOT_PLAIN
    const note = this.#noteCount++
    const sizeBefore = this.#valueSize
    const headsBefore = this.#heads
    this.#ops.push(ValTag.Array, value.length)
    for (let index = 0; index < value.length; index++) this.#fast(value[index], depth + 1, options)
    if (options.references && depth <= REMEMBER_DEPTH) this.#remember(value, note, sizeBefore, headsBefore)
  }

  /**
   * Lets later values with `references` write `value` (note number `note`) as
   * a Same token, unless a buffer in it was cut to its head: a payload must
   * not stand in, cut, for one written whole later.
   */
  #remember(value: object, note: number, sizeBefore: number, headsBefore: number): void {
    if (this.#heads !== headsBefore) return
    this.#notes.set(value, note)
    this.#noted.push(value)
    this.#noteSizes[note] = this.#valueSize - sizeBefore
  }

  #bytes(value: Uint8Array, depth: number, options: ValueOptions): void {
    // A Buffer or other subclass shows its own class name: the full serializer's business.
    if (Object.getPrototypeOf(value) !== Uint8Array.prototype) throw NOT_PLAIN
    const limit = options.fullBytes?.has(value) ? FAST.fullBytesLimit : FAST.bytesHead
    const hex = bytesToHex(value, limit)
    const note = this.#noteCount++
    this.#ops.push(ValTag.Bytes)
    this.str("Uint8Array")
    this.#ops.push(value.length, hex, value.length > limit)
    this.#chars += hex.length
    this.#valueSize += value.byteLength
    const headsBefore = this.#heads
    if (value.length > limit) this.#heads++
    if (options.references && depth <= REMEMBER_DEPTH) this.#remember(value, note, this.#valueSize - value.byteLength, headsBefore)
  }

  /** `omit`: a key left out (then `value` is a copy-less view, never remembered). */
  #record(value: object, depth: number, options: ValueOptions, omit?: string): void {
    if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN
    // A toStringTag makes the full serializer see a Date, Error, Map…: its call.
    if ((value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== undefined) throw NOT_PLAIN
    const keys = Object.keys(value)
    if (keys.length > FAST.maxObjectKeys) throw NOT_PLAIN
    const source = value as Record<string, unknown>
    const note = this.#noteCount++
    const sizeBefore = this.#valueSize
    const headsBefore = this.#heads
    const omitted = omit !== undefined && keys.includes(omit) ? 1 : 0
    this.#ops.push(ValTag.Object, keys.length - omitted)
    for (const key of keys) {
      if (omitted && key === omit) continue
      // A tagged key, or a function (dropped or summarised, and a loro object
      // is recognised by its methods): the full serializer's rules apply.
      if (key === SUMMARY_TAG) throw NOT_PLAIN
      const item = source[key]
      if (typeof item === "function") throw NOT_PLAIN
      this.str(key)
      this.#valueSize += key.length
      this.#fast(item, depth + 1, options)
    }
    if (options.references && !omitted && depth <= REMEMBER_DEPTH) this.#remember(value, note, sizeBefore, headsBefore)
  }
}

export interface TapeMark {
  ops: number
  listed: number
  events: number
  chars: number
  lastT: number
  notes: number
  noted: number
}
