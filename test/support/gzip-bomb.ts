/**
 * A real gzip bomb, made in about 0.1 s without ever holding what it inflates
 * to: a single gzip member whose deflate stream inflates to `bytes` zero
 * bytes (a multiple of 16 MiB), with the right CRC and length in its
 * trailer, so `gzip -d` would produce all of it.
 *
 * Deflate output after a sync flush is byte-aligned, and once the window is
 * all zeros, every further 16 MiB of zeros compresses to the same bytes:
 * the stream is the first piece, then that steady piece repeated.
 */
import { constants, createDeflateRaw } from "node:zlib"

const PIECE = 16 * 1024 * 1024

export async function gzipBomb(bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (bytes % PIECE !== 0 || bytes < 2 * PIECE) throw new Error(`a bomb is made of 16 MiB pieces, at least two`)
  const zeros = new Uint8Array(PIECE)
  const deflate = createDeflateRaw({ level: 9, strategy: constants.Z_RLE })
  const out: Buffer[] = []
  deflate.on("data", chunk => out.push(chunk))
  const piece = () =>
    new Promise<Buffer>(resolve => {
      deflate.write(zeros)
      deflate.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(out.splice(0))))
    })
  const first = await piece()
  const steady = await piece()
  if (!steady.equals(await piece())) throw new Error("deflate did not settle into a repeating piece")
  deflate.close()

  const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
  // An empty final block (fixed Huffman, end-of-block code) ends the stream.
  const end = [0x03, 0x00]
  const trailer = new DataView(new ArrayBuffer(8))
  trailer.setUint32(0, crc32OfZeros(bytes), true)
  trailer.setUint32(4, bytes % 2 ** 32, true)
  const pieces = bytes / PIECE
  const result = new Uint8Array(header.length + first.length + (pieces - 1) * steady.length + end.length + 8)
  let at = 0
  const put = (part: ArrayLike<number>) => {
    result.set(part, at)
    at += part.length
  }
  put(header)
  put(first)
  for (let index = 1; index < pieces; index++) put(steady)
  put(end)
  put(new Uint8Array(trailer.buffer))
  return result
}

// CRC-32 (reflected, polynomial 0xedb88320) of n zero bytes, by squaring: the
// CRC of a doubled run is the CRC of the run combined with itself (zlib's crc32_combine).
const POLY = 0xedb88320

function multiplyModP(a: number, b: number): number {
  let product = 0
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if (a & bit) product ^= b
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1
  }
  return product >>> 0
}

/** x^(8n) mod p: what appending n bytes does to a CRC's register. */
function shiftBytes(n: number): number {
  let result = 0x80000000 // x^0
  let power = multiplyModP(0x40000000, 0x40000000) // x^2
  power = multiplyModP(power, power) // x^4
  power = multiplyModP(power, power) // x^8: one byte
  for (let left = n; left > 0; left = Math.floor(left / 2)) {
    if (left % 2 === 1) result = multiplyModP(power, result)
    power = multiplyModP(power, power)
  }
  return result
}

function crc32OfZeros(n: number): number {
  // A CRC starts from all ones and ends xor all ones; zeros only shift the register.
  return (multiplyModP(shiftBytes(n), 0xffffffff) ^ 0xffffffff) >>> 0
}
