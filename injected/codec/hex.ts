/** Hex text for bytes on the wire (JSON cannot carry a Uint8Array), and back. */

const HEX_DIGITS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"))

export function bytesToHex(bytes: Uint8Array, limit = bytes.length): string {
  const end = Math.min(limit, bytes.length)
  let text = ""
  for (let index = 0; index < end; index++) text += HEX_DIGITS[bytes[index]!]
  return text
}

/** Undefined when `hex` is not an even run of hex digits. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined
  const bytes = new Uint8Array(hex.length / 2)
  for (let index = 0; index < bytes.length; index++) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16)
  return bytes
}
