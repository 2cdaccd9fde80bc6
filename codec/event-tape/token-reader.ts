/**
 * Reads an event tape's tokens (layout.ts): strings listed once, numbers,
 * and values with their Same notes. Every token comes from the page, so
 * every read checks what it gets, the work is bounded however the tape is
 * made, and the only error is TapeError.
 */
import { SUMMARY_TAG, type TapeToken, type WireValue } from "../../protocol/messages"
import { ValTag } from "./layout"

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

/** A noted value: the value, and what it weighs once expanded, for Same. */
interface Note {
  value: WireValue
  /** Undefined while the value is still being read (a Same to it would be a cycle). */
  nodes: number | undefined
  height: number
}

export class TokenReader {
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

  str(): string {
    const token = this.next("string")
    if (typeof token === "string") {
      this.#strings.push(token)
      return token
    }
    if (typeof token === "number" && Number.isInteger(token)) {
      const listed = this.#strings[token]
      if (listed !== undefined) return listed
    }
    return this.fail("bad string reference")
  }

  opt(): string | undefined {
    if (this.#ops[this.#position] === null) {
      this.#position++
      return undefined
    }
    return this.str()
  }

  num(): number {
    const token = this.next("number")
    if (typeof token !== "number" || !Number.isFinite(token)) this.fail("expected a number")
    return token as number
  }

  bool(): boolean {
    const token = this.next("boolean")
    if (typeof token !== "boolean") this.fail("expected a boolean")
    return token as boolean
  }

  /** A value; its height (levels below it) is left in #height for the caller. */
  val(depth = 0): WireValue {
    if (depth > MAX_VALUE_DEPTH) this.fail("value nested too deep")
    if (++this.#nodes > this.#maxNodes) this.fail("values expand too far")
    this.#height = 0
    const tag = this.next("value tag")
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
        for (let left = this.count("array length"); left > 0; left--) {
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
        for (let left = this.count("object size"); left > 0; left--) {
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
        const hex = this.next("hex")
        if (typeof hex !== "string") this.fail("bytes without hex")
        const bytes = { [SUMMARY_TAG]: "bytes", type, length, hex: hex as string, truncated: this.bool() }
        this.#notes.push({ value: bytes, nodes: 1, height: 0 })
        this.#height = 0
        return bytes
      }
      case ValTag.Raw:
        // Not walked: the hook's serializer capped its size and depth.
        this.#height = 0
        return this.next("raw value") as WireValue
      case ValTag.Same: {
        const note = this.#notes[this.count("note")]
        if (note?.nodes === undefined) this.fail("Same names no finished value")
        if (depth + note!.height > MAX_VALUE_DEPTH) this.fail("value nested too deep")
        this.#nodes += note!.nodes! - 1
        if (this.#nodes > this.#maxNodes) this.fail("values expand too far")
        this.#height = note!.height
        return note!.value
      }
      default:
        return this.fail("unknown value tag")
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
  count(what: string): number {
    const token = this.next(what)
    if (typeof token !== "number" || !Number.isInteger(token) || token < 0 || token > this.#ops.length) this.fail(`bad ${what}`)
    return token as number
  }

  next(what: string): TapeToken {
    if (this.#position >= this.#ops.length) this.fail(`tape ends before ${what}`)
    return this.#ops[this.#position++]!
  }

  fail(message: string): never {
    throw new TapeError(message, this.#position)
  }
}
