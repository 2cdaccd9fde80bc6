/**
 * Writes events into an event tape (protocol/event-tape.ts) as they are
 * observed: a few array pushes per field, strings listed once per tape, no
 * intermediate objects, and nothing of the app's kept alive until the flush.
 *
 * Values take a fast path for plain data (the bulk of what a repo passes
 * around) that yields exactly what the full serializer would; anything else
 * (a Map, a class instance, a cap reached) rolls the value back and writes
 * the full serializer's result as one Raw token instead.
 */
import { EntryFlag, KIND_CODES, ValTag, type EventTapeMessage, type TapeToken } from "../../protocol/event-tape"
import { SUMMARY_TAG, type HookEvent, type StoreEntry, type WireValue } from "../../protocol/messages"
import { bytesToHex } from "../codec/hex"
import { DEFAULT_SERIALIZE_OPTIONS } from "../serialize/options"

/** How a value is serialised when it is not plain enough for the fast path. */
export type FullSerializer = (value: unknown, fullBytes: ReadonlySet<object> | undefined) => WireValue

export interface ValueOptions {
  /** Buffers written whole (ephemeral payloads); others as their first bytes. */
  fullBytes?: ReadonlySet<object>
  /** The serializer this value falls back to (the writer's own by default). */
  full?: FullSerializer
  /** Objects that are the message of an earlier channel event of this tape are written as a reference. */
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

/** Thrown inside the fast path to fall back; never escapes `val`. */
const NOT_PLAIN = Symbol("not plain")

/** Chars a token adds to the JSON text besides its strings: a comma, digits. */
const CHARS_PER_TOKEN = 3

export class TapeWriter {
  readonly #ops: TapeToken[] = []
  readonly #listed = new Map<string, number>()
  /** Listed strings in order, so a rolled-back value can unlist its own. */
  readonly #listOrder: string[] = []
  readonly #references = new Map<object, number>()
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
    return { ops: this.#ops.length, listed: this.#listOrder.length, events: this.#events, chars: this.#chars, lastT: this.#lastT }
  }

  /** Forgets everything written since `mark` (an event whose writing failed half-way). */
  rollback(mark: TapeMark): void {
    this.#ops.length = mark.ops
    while (this.#listOrder.length > mark.listed) this.#listed.delete(this.#listOrder.pop()!)
    for (const [target, ordinal] of this.#references) if (ordinal >= mark.events) this.#references.delete(target)
    this.#events = mark.events
    this.#chars = mark.chars
    this.#lastT = mark.lastT
  }

  /** Starts an event; returns its ordinal in this tape. */
  begin(kind: HookEvent["kind"], repoId: string, t: number): number {
    this.#ops.push(KIND_CODES.indexOf(kind))
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
      const full = (options.full ?? this.#full)(value, options.fullBytes)
      this.#ops.push(ValTag.Raw, full)
      this.#chars += JSON.stringify(full).length
      return undefined
    }
  }

  /** Lets later values refer to `message` (the message of the event `ordinal`). */
  noteMessage(message: unknown, ordinal: number): void {
    if (typeof message === "object" && message !== null) this.#references.set(message, ordinal)
  }

  /** Store entries; `value` is the store's own (decoded) value, serialised here with `full` as the fallback. */
  storeEntries(entries: readonly StoreChangeEntry[], full: FullSerializer): void {
    this.#ops.push(entries.length)
    for (const entry of entries) {
      this.str(entry.key)
      const hasValue = "value" in entry
      const flags =
        (entry.deleted ? EntryFlag.Deleted : 0) |
        (hasValue ? EntryFlag.Value : 0) |
        (entry.timestamp === undefined ? 0 : EntryFlag.Timestamp) |
        (entry.size === undefined ? 0 : EntryFlag.Size)
      this.#ops.push(flags)
      if (hasValue) this.val(entry.value, { full })
      if (entry.timestamp !== undefined) this.num(entry.timestamp)
      if (entry.size !== undefined) this.num(entry.size)
    }
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
          const ordinal = this.#references.get(value)
          if (ordinal !== undefined) {
            this.#ops.push(ValTag.Ref, ordinal)
            return
          }
        }
        if (Array.isArray(value)) return this.#array(value, depth, options)
        if (value instanceof Uint8Array) return this.#bytes(value, options)
        return this.#record(value, depth, options)
      default:
        // undefined, bigint, symbol, function: the full serializer summarises them.
        throw NOT_PLAIN
    }
  }

  #array(value: readonly unknown[], depth: number, options: ValueOptions): void {
    if (value.length > FAST.maxArrayLength) throw NOT_PLAIN
    this.#ops.push(ValTag.Array, value.length)
    for (let index = 0; index < value.length; index++) this.#fast(value[index], depth + 1, options)
  }

  #bytes(value: Uint8Array, options: ValueOptions): void {
    // A Buffer or other subclass shows its own class name: the full serializer's business.
    if (Object.getPrototypeOf(value) !== Uint8Array.prototype) throw NOT_PLAIN
    const limit = options.fullBytes?.has(value) ? FAST.fullBytesLimit : FAST.bytesHead
    const hex = bytesToHex(value, limit)
    this.#ops.push(ValTag.Bytes)
    this.str("Uint8Array")
    this.#ops.push(value.length, hex, value.length > limit)
    this.#chars += hex.length
    this.#valueSize += value.byteLength
  }

  #record(value: object, depth: number, options: ValueOptions): void {
    if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN
    // A toStringTag makes the full serializer see a Date, Error, Map…: its call.
    if ((value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== undefined) throw NOT_PLAIN
    const keys = Object.keys(value)
    if (keys.length > FAST.maxObjectKeys) throw NOT_PLAIN
    const source = value as Record<string, unknown>
    this.#ops.push(ValTag.Object, keys.length)
    for (const key of keys) {
      // A tagged key, or a function (dropped or summarised, and a loro object
      // is recognised by its methods): the full serializer's rules apply.
      if (key === SUMMARY_TAG) throw NOT_PLAIN
      const item = source[key]
      if (typeof item === "function") throw NOT_PLAIN
      this.str(key)
      this.#valueSize += key.length
      this.#fast(item, depth + 1, options)
    }
  }
}

/** A StoreEntry before serialisation: `value` as the store holds it. */
export type StoreChangeEntry = Omit<StoreEntry, "value"> & { value?: unknown }

export interface TapeMark {
  ops: number
  listed: number
  events: number
  chars: number
  lastT: number
}
