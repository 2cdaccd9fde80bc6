/** Hex text for bytes on the wire (JSON cannot carry a Uint8Array), and back. */

const HEX_DIGITS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"))

export function bytesToHex(bytes: Uint8Array, limit = bytes.length): string {
  const end = Math.min(limit, bytes.length)
  let text = ""
  for (let index = 0; index < end; index++) text += HEX_DIGITS[bytes[index]!]
  return text
}

/** Char code -> nibble value, -1 for anything that is not a hex digit. */
const NIBBLES = new Int8Array(128).fill(-1)
for (let digit = 0; digit < 16; digit++) {
  NIBBLES["0123456789abcdef".charCodeAt(digit)] = digit
  NIBBLES["0123456789ABCDEF".charCodeAt(digit)] = digit
}

/**
 * Undefined when `hex` is not an even run of hex digits. Table-driven: the
 * panel decodes every frame it shows or searches, thousands per second.
 */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined
  const bytes = new Uint8Array(hex.length / 2)
  for (let index = 0; index < bytes.length; index++) {
    const high = NIBBLES[hex.charCodeAt(index * 2)] ?? -1
    const low = NIBBLES[hex.charCodeAt(index * 2 + 1)] ?? -1
    if (high < 0 || low < 0) return undefined
    bytes[index] = (high << 4) | low
  }
  return bytes
}
