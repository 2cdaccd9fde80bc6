/**
 * Minimal PNG for the icons: 8-bit RGBA, no filtering, one IDAT; and the
 * matching reader, which the icon test uses to compare pixels (zlib's bytes
 * may differ between Node versions; the pixels may not).
 */
import { deflateSync, inflateSync } from "node:zlib"

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8 bits, RGBA, deflate, no filter method extras, no interlace
  const rows = Buffer.alloc(height * (1 + width * 4))
  for (let y = 0; y < height; y++) {
    rows[y * (1 + width * 4)] = 0 // filter: none
    rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1)
  }
  return Buffer.concat([SIGNATURE, chunk("IHDR", header), chunk("IDAT", deflateSync(rows, { level: 9 })), chunk("IEND", Buffer.alloc(0))])
}

/** Reads what encodePng writes (RGBA, filter none); anything else is an error. */
export function decodePng(file: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const bytes = Buffer.from(file)
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG file")
  let width = 0
  let height = 0
  const data: Buffer[] = []
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.toString("latin1", at + 4, at + 8)
    const body = bytes.subarray(at + 8, at + 8 + length)
    if (type === "IHDR") {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      if (body[8] !== 8 || body[9] !== 6) throw new Error("expected 8-bit RGBA")
    }
    if (type === "IDAT") data.push(body)
    at += 12 + length
  }
  const rows = inflateSync(Buffer.concat(data))
  const rgba = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    const start = y * (1 + width * 4)
    if (rows[start] !== 0) throw new Error(`row ${y} uses PNG filter ${rows[start]}; expected none`)
    rgba.set(rows.subarray(start + 1, start + 1 + width * 4), y * width * 4)
  }
  return { width, height, rgba }
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, "latin1")
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
