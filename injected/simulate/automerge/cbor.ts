/**
 * CBOR (RFC 8949) for JSON values: what automerge-repo's ephemeral messages
 * carry in `data`, which the receiving repo decodes with cbor-x. The page
 * hook never bundles the library, and a simulated peer only ever sends JSON,
 * so this encoder covers exactly that: null, booleans, numbers, strings,
 * arrays and string-keyed maps. Integers beyond 32 bits go as float64, as
 * cbor-x writes them: it reads a 64-bit CBOR integer back as a BigInt.
 */
import type { JsonValue } from "../../../protocol/simulate"

const TEXT = new TextEncoder()

export function encodeCbor(value: JsonValue): Uint8Array {
  const out: number[] = []
  write(out, value)
  return Uint8Array.from(out)
}

function write(out: number[], value: JsonValue): void {
  if (value === null) out.push(0xf6)
  else if (value === false) out.push(0xf4)
  else if (value === true) out.push(0xf5)
  else if (typeof value === "number") writeNumber(out, value)
  else if (typeof value === "string") {
    const bytes = TEXT.encode(value)
    head(out, 3, bytes.length)
    for (const byte of bytes) out.push(byte)
  } else if (Array.isArray(value)) {
    head(out, 4, value.length)
    for (const item of value) write(out, item)
  } else {
    const entries = Object.entries(value)
    head(out, 5, entries.length)
    for (const [key, item] of entries) {
      write(out, key)
      write(out, item)
    }
  }
}

function writeNumber(out: number[], value: number): void {
  if (Number.isInteger(value) && value >= -0x100000000 && value < 0x100000000) {
    if (value >= 0) head(out, 0, value)
    else head(out, 1, -1 - value)
    return
  }
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setFloat64(0, value)
  out.push(0xfb, ...bytes)
}

/** A major type and its argument (below 2^32), in the shortest form. */
function head(out: number[], major: number, length: number): void {
  const type = major << 5
  if (length < 24) out.push(type | length)
  else if (length < 0x100) out.push(type | 24, length)
  else if (length < 0x10000) out.push(type | 25, length >> 8, length & 0xff)
  else out.push(type | 26, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff)
}
