/**
 * automerge change hashes, as one spelling. A sync state holds a peer's
 * heads as hex; `handle.heads()` gives a document's as bs58check (base58 of
 * the 32-byte hash and a 4-byte checksum), the form automerge URLs use. The
 * Sync view shows both as hex so that a peer that is caught up visibly has
 * the document's heads.
 */
import { bytesToHex } from "../../codec/hex"

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
const HASH_BYTES = 32
const CHECKSUM_BYTES = 4
const HEX_HASH = /^[0-9a-f]{64}$/

/** base58 to bytes, or undefined for a character outside the alphabet. */
function base58Bytes(text: string): Uint8Array | undefined {
  const bytes: number[] = []
  for (const char of text) {
    let carry = ALPHABET.indexOf(char)
    if (carry < 0) return undefined
    for (let index = 0; index < bytes.length; index++) {
      carry += bytes[index]! * 58
      bytes[index] = carry & 0xff
      carry >>= 8
    }
    while (carry > 0) {
      bytes.push(carry & 0xff)
      carry >>= 8
    }
  }
  for (const char of text) {
    if (char !== "1") break
    bytes.push(0)
  }
  return Uint8Array.from(bytes.reverse())
}

/** A head as hex: hex stays, a bs58check hash is decoded (checksum dropped), anything else stays as it is. */
export function headAsHex(head: string): string {
  if (HEX_HASH.test(head)) return head
  const bytes = base58Bytes(head)
  return bytes && bytes.length === HASH_BYTES + CHECKSUM_BYTES ? bytesToHex(bytes.subarray(0, HASH_BYTES)) : head
}
