/**
 * A cursor over postcard-encoded bytes (the serde format loro-crdt uses for
 * EphemeralStore data). Every read checks the remaining length first, so a
 * truncated or hostile buffer ends in an EphemeralDecodeError, never in an
 * endless loop or an allocation sized by a bogus length.
 */

/** Thrown for any input that is not a well-formed encoding; `offset` is where reading stopped. */
export class EphemeralDecodeError extends Error {
  readonly offset: number

  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`)
    this.name = "EphemeralDecodeError"
    this.offset = offset
  }
}

/** A u64 varint is at most 10 bytes (7 bits each). */
const MAX_VARINT_BYTES = 10
/** Below this shift every 7-bit group still fits a double exactly (46 + 7 = 53 bits). */
const LAST_EXACT_SHIFT = 46
const MAX_U64 = (1n << 64n) - 1n

const utf8 = new TextDecoder("utf-8", { fatal: true })
/** Below this length an ASCII string is built by hand: TextDecoder's call costs more than the loop. */
const SHORT_STRING_BYTES = 64
/** Scratch space for reading doubles without a DataView per value. */
const float64Scratch = new Float64Array(1)
const float64Bytes = new Uint8Array(float64Scratch.buffer)
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export class PostcardReader {
  readonly #bytes: Uint8Array
  #offset = 0

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
  }

  get offset(): number {
    return this.#offset
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset
  }

  fail(message: string): never {
    throw new EphemeralDecodeError(message, this.#offset)
  }

  byte(what: string): number {
    if (this.#offset >= this.#bytes.length) this.fail(`truncated input: expected ${what}`)
    return this.#bytes[this.#offset++]!
  }

  /** Unsigned LEB128 varint; a number when it fits a double exactly, else a bigint. */
  varUint(what: string): number | bigint {
    let exact = 0
    // 2 ** shift, kept as a running product: Math.pow per byte cost more than the rest of the loop.
    let scale = 1
    let big: bigint | undefined
    let shift = 0
    for (let index = 0; index < MAX_VARINT_BYTES; index++) {
      const byte = this.byte(what)
      const group = byte & 0x7f
      if (big === undefined && shift <= LAST_EXACT_SHIFT) {
        exact += group * scale
      } else {
        big = (big ?? BigInt(exact)) | (BigInt(group) << BigInt(shift))
      }
      if ((byte & 0x80) === 0) {
        if (big === undefined) return exact
        if (big > MAX_U64) this.fail(`varint overflows 64 bits in ${what}`)
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
      }
      shift += 7
      scale *= 128
    }
    return this.fail(`varint longer than ${MAX_VARINT_BYTES} bytes in ${what}`)
  }

  /** Zigzag-encoded signed varint (serde i32/i64 in postcard). */
  varInt(what: string): number | bigint {
    const raw = this.varUint(what)
    if (typeof raw === "number") return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
    const value = (raw >> 1n) ^ -(raw & 1n)
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }

  /**
   * A length or count. Every element takes at least `minBytesEach` bytes, so a
   * claim larger than what is left is rejected before anything is allocated.
   */
  length(what: string, minBytesEach = 1): number {
    const start = this.#offset
    const value = this.varUint(what)
    if (typeof value !== "number" || value * minBytesEach > this.remaining) {
      throw new EphemeralDecodeError(`${what} ${String(value)} exceeds the ${this.remaining} bytes left`, start)
    }
    return value
  }

  bytes(count: number, what: string): Uint8Array {
    if (count > this.remaining) this.fail(`truncated input: ${what} needs ${count} bytes, ${this.remaining} left`)
    const slice = this.#bytes.subarray(this.#offset, this.#offset + count)
    this.#offset += count
    return slice
  }

  string(what: string): string {
    const length = this.length(`${what} length`)
    const start = this.#offset
    const raw = this.bytes(length, what)
    if (length <= SHORT_STRING_BYTES) {
      const ascii = asciiString(raw)
      if (ascii !== undefined) return ascii
    }
    try {
      return utf8.decode(raw)
    } catch {
      throw new EphemeralDecodeError(`${what} is not valid UTF-8`, start)
    }
  }

  float64(what: string): number {
    const raw = this.bytes(8, what)
    if (!littleEndianHost) return new DataView(raw.buffer, raw.byteOffset, 8).getFloat64(0, true)
    float64Bytes.set(raw)
    return float64Scratch[0]!
  }
}

/** The string when every byte is ASCII (then UTF-8 and Latin-1 agree), else undefined. */
function asciiString(raw: Uint8Array): string | undefined {
  let text = ""
  for (let index = 0; index < raw.length; index++) {
    const code = raw[index]!
    if (code >= 0x80) return undefined
    text += String.fromCharCode(code)
  }
  return text
}
