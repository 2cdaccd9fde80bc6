/**
 * Writes loro-crdt EphemeralStore wire bytes (what `store.encode`/`encodeAll`
 * produce and `store.apply` reads) without loading loro-crdt: the page hook
 * is a small script and must not bundle the wasm.
 *
 * Format (postcard): varint entry count, then per entry: key (varint length +
 * UTF-8), value as an Option (0 = None, a tombstone; 1 = Some + LoroValue),
 * timestamp as a zigzag varint i64 in ms.
 *
 * Numbers follow loro-crdt's own choice so bytes match `store.encode` for
 * the same value and timestamp: integral numbers within the i64 range are
 * I64 (2^63 saturates to i64::MAX, -0 becomes 0), everything else a Double.
 * Object keys are written in property order; loro writes them in hash order,
 * so multi-key maps apply to the same value but are not byte-identical.
 */

export type EncodableValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly EncodableValue[]
  | { readonly [key: string]: EncodableValue }

export type EncodableEntry =
  | { key: string; timestamp: number; value: EncodableValue }
  /** A tombstone: deletes `key` in every store whose entry is older. */
  | { key: string; timestamp: number; deleted: true }

const TAG_NULL = 0
const TAG_BOOL = 1
const TAG_DOUBLE = 2
const TAG_I64 = 3
const TAG_STRING = 4
const TAG_LIST = 5
const TAG_MAP = 6
const TAG_BINARY = 8

const TWO_POW_63 = 2 ** 63
/** Above this, zigzag doubling could lose precision in a double: use BigInt. */
const NUMBER_ZIGZAG_LIMIT = 2 ** 52
const I64_MAX = (1n << 63n) - 1n

const utf8 = new TextEncoder()

/** A growable byte buffer. */
class ByteWriter {
  bytes = new Uint8Array(256)
  length = 0
  readonly #scratch = new DataView(new ArrayBuffer(8))

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return
    let size = this.bytes.length * 2
    while (size < this.length + extra) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.bytes.subarray(0, this.length))
    this.bytes = grown
  }

  byte(value: number): void {
    this.reserve(1)
    this.bytes[this.length++] = value
  }

  raw(chunk: Uint8Array): void {
    this.reserve(chunk.length)
    this.bytes.set(chunk, this.length)
    this.length += chunk.length
  }

  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  varint(value: number): void {
    this.reserve(10)
    let rest = value
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest % 0x80) | 0x80
      rest = Math.floor(rest / 0x80)
    }
    this.bytes[this.length++] = rest
  }

  bigVarint(value: bigint): void {
    this.reserve(10)
    let rest = value
    while (rest >= 0x80n) {
      this.bytes[this.length++] = Number(rest & 0x7fn) | 0x80
      rest >>= 7n
    }
    this.bytes[this.length++] = Number(rest)
  }

  /** Zigzag varint of an integral number in the i64 range. */
  zigzag(value: number): void {
    if (Math.abs(value) < NUMBER_ZIGZAG_LIMIT) {
      this.varint(value >= 0 ? value * 2 : -value * 2 - 1)
      return
    }
    let big = BigInt(value)
    if (big > I64_MAX) big = I64_MAX
    this.bigVarint(big >= 0n ? big << 1n : (-big << 1n) - 1n)
  }

  string(value: string): void {
    // Keys are ASCII peer ids: write those without an intermediate buffer.
    if (value.length < 0x80) {
      this.reserve(1 + value.length)
      const start = this.length
      this.bytes[this.length++] = value.length
      let ascii = true
      for (let i = 0; i < value.length && ascii; i++) {
        const code = value.charCodeAt(i)
        if (code < 0x80) this.bytes[this.length++] = code
        else ascii = false
      }
      if (ascii) return
      this.length = start
    }
    const encoded = utf8.encode(value)
    this.varint(encoded.length)
    this.raw(encoded)
  }

  double(value: number): void {
    this.#scratch.setFloat64(0, value, true)
    this.raw(new Uint8Array(this.#scratch.buffer))
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length)
  }
}

function isI64(value: number): boolean {
  return Number.isInteger(value) && value >= -TWO_POW_63 && value <= TWO_POW_63
}

function writeValue(out: ByteWriter, value: EncodableValue): void {
  if (value === null) {
    out.byte(TAG_NULL)
  } else if (typeof value === "boolean") {
    out.byte(TAG_BOOL)
    out.byte(value ? 1 : 0)
  } else if (typeof value === "number") {
    if (isI64(value)) {
      out.byte(TAG_I64)
      out.zigzag(value === 0 ? 0 : value)
    } else {
      out.byte(TAG_DOUBLE)
      out.double(value)
    }
  } else if (typeof value === "string") {
    out.byte(TAG_STRING)
    out.string(value)
  } else if (value instanceof Uint8Array) {
    out.byte(TAG_BINARY)
    out.varint(value.length)
    out.raw(value)
  } else if (Array.isArray(value)) {
    const list: readonly EncodableValue[] = value
    out.byte(TAG_LIST)
    out.varint(list.length)
    for (const item of list) writeValue(out, item)
  } else {
    const map = value as { readonly [key: string]: EncodableValue }
    const keys = Object.keys(map)
    out.byte(TAG_MAP)
    out.varint(keys.length)
    for (const key of keys) {
      out.string(key)
      writeValue(out, map[key] as EncodableValue)
    }
  }
}

function writeEntry(out: ByteWriter, entry: EncodableEntry): void {
  out.string(entry.key)
  if ("deleted" in entry) {
    out.byte(0)
  } else {
    out.byte(1)
    writeValue(out, entry.value)
  }
  out.zigzag(Math.trunc(entry.timestamp))
}

/** Bytes for `store.apply()`: every entry, in order (a later duplicate key with a newer timestamp wins). */
export function encodeEphemeralEntries(entries: readonly EncodableEntry[]): Uint8Array {
  const out = new ByteWriter()
  out.varint(entries.length)
  for (const entry of entries) writeEntry(out, entry)
  return out.result()
}

/** One entry's bytes without the count prefix, for `joinEncodedEntries`. */
export function encodeEphemeralEntry(entry: EncodableEntry): Uint8Array {
  const out = new ByteWriter()
  writeEntry(out, entry)
  return out.result()
}

/**
 * Reassembles a payload from already-encoded entries (e.g. the slices of a
 * decoded payload that should be kept), byte for byte.
 */
export function joinEncodedEntries(entries: readonly Uint8Array[]): Uint8Array {
  const out = new ByteWriter()
  out.varint(entries.length)
  for (const entry of entries) out.raw(entry)
  return out.result()
}
