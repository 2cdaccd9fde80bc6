/**
 * Decoder for loro-crdt EphemeralStore bytes (`store.encode(key)`,
 * `store.encodeAll()`, the `data` of a `channel/ephemeral` frame). No loro
 * dependency: it runs in the page hook cheaply and in the panel.
 *
 * Format (postcard, checked against loro-crdt 1.17 in the unit tests):
 *   varint N, then N entries of
 *     key:       varint length + UTF-8
 *     value:     Option byte: 0 = None (a tombstone), 1 = Some followed by a LoroValue
 *     timestamp: zigzag varint i64, the writer's clock in ms
 *   LoroValue = varint tag:
 *     0 Null | 1 Bool (1 byte) | 2 Double (8 bytes LE) | 3 I64 (zigzag varint)
 *     4 String | 5 List (count + values) | 6 Map (count + (string, value) pairs)
 *     7 Container (a ContainerID) | 8 Binary (length + bytes)
 */
import { EphemeralDecodeError, PostcardReader } from "./postcard-reader"

export { EphemeralDecodeError } from "./postcard-reader"

/**
 * A decoded LoroValue as JavaScript sees it: I64 beyond 2^53 stays exact as a
 * bigint, Binary is a Uint8Array, and a container id is the string loro-crdt
 * itself hands to JavaScript ("cid:root-name:Map", "cid:3@42:Text").
 */
export type DecodedValue = null | boolean | number | bigint | string | Uint8Array | DecodedValue[] | { [key: string]: DecodedValue }

export interface DecodedEntry {
  key: string
  /** Absent for tombstones. */
  value?: DecodedValue
  deleted: boolean
  /** The writer's timestamp, ms since epoch. */
  timestamp: number
  /** Bytes this entry takes in the encoding (key + value + timestamp). */
  size: number
}

/** loro refuses values nested deeper than this; so do we. */
const MAX_VALUE_DEPTH = 128

const ValueTag = {
  Null: 0,
  Bool: 1,
  Double: 2,
  I64: 3,
  String: 4,
  List: 5,
  Map: 6,
  Container: 7,
  Binary: 8,
} as const

/** ContainerType as serde writes it (loro's "historical" byte order, not `to_u8`). */
const CONTAINER_TYPE_NAMES = ["Text", "Map", "List", "MovableList", "Tree", "Counter"] as const

/**
 * Decodes every entry. Throws EphemeralDecodeError for malformed, truncated
 * or trailing input; never allocates more than the input can justify.
 * Empty input is no entries: the repo sends empty `data` in a
 * `channel/ephemeral` frame to say a peer's entries were removed.
 */
export function decodeEphemeralStore(bytes: Uint8Array): DecodedEntry[] {
  return decodeEntries(bytes, false)
}

/** A decoded entry with the bytes it was decoded from (a view into the input). */
export interface DecodedSpan extends DecodedEntry {
  raw: Uint8Array
}

/** Like decodeEphemeralStore, keeping each entry's encoded bytes: equal bytes are an unchanged entry. */
export function decodeEphemeralSpans(bytes: Uint8Array): DecodedSpan[] {
  return decodeEntries(bytes, true) as DecodedSpan[]
}

function decodeEntries(bytes: Uint8Array, withRaw: boolean): DecodedEntry[] {
  return eachEntry(bytes, (reader, start) => {
    const entry = readEntry(reader)
    if (withRaw) (entry as DecodedSpan).raw = bytes.subarray(start, reader.offset)
    return entry
  })
}

/**
 * The count, then `read` once per entry (given where the entry starts), then
 * nothing left over. Throws EphemeralDecodeError for anything else.
 */
function eachEntry<T>(bytes: Uint8Array, read: (reader: PostcardReader, start: number) => T): T[] {
  if (!(bytes instanceof Uint8Array)) throw new EphemeralDecodeError("input is not a Uint8Array", 0)
  if (bytes.length === 0) return []
  const reader = new PostcardReader(bytes)
  // Each entry is at least 3 bytes: key length, option tag, timestamp.
  const count = reader.length("entry count", 3)
  const entries: T[] = []
  for (let index = 0; index < count; index++) entries.push(read(reader, reader.offset))
  if (reader.remaining > 0) reader.fail(`${reader.remaining} trailing bytes after ${count} entries`)
  return entries
}

/**
 * The keys `bytes` carries, as decodeEphemeralStore would list them. A frame
 * for one peer (one entry) is read no further than its key: the hook asks
 * this of every frame a store applies.
 */
export function decodeEphemeralKeys(bytes: Uint8Array): string[] {
  if (!(bytes instanceof Uint8Array)) throw new EphemeralDecodeError("input is not a Uint8Array", 0)
  if (bytes.length === 0) return []
  const reader = new PostcardReader(bytes)
  if (reader.length("entry count", 3) !== 1) return decodeEntries(bytes, false).map(entry => entry.key)
  return [reader.string("key")]
}

/**
 * One entry's bytes without the count before it (a DecodedSpan's `raw`): how
 * the hook ships a store's entries to the panel, which decodes them here.
 */
export function decodeEphemeralEntry(span: Uint8Array): DecodedEntry {
  if (!(span instanceof Uint8Array)) throw new EphemeralDecodeError("input is not a Uint8Array", 0)
  const reader = new PostcardReader(span)
  const entry = readEntry(reader)
  if (reader.remaining > 0) reader.fail(`${reader.remaining} trailing bytes after the entry`)
  return entry
}

/** Where an entry is, without its value: see scanEphemeralKeys. */
export interface ScannedEntry {
  key: string
  /** Bytes the entry takes (key + value + timestamp), as DecodedEntry.size. */
  size: number
  /** The writer's timestamp, ms since epoch. */
  timestamp: number
  deleted: boolean
}

/**
 * Each entry's key, size and timestamp, values skipped rather than decoded:
 * for code that routes whole entries by key (the local-only filter re-reads
 * every outgoing full-store frame, fifty entries at a time on a heartbeat)
 * or compares stamps (the panel's detectors read every inbound frame). The
 * layout is checked as strictly as decodeEphemeralStore checks it; the
 * contents of value strings are not.
 */
export function scanEphemeralKeys(bytes: Uint8Array): ScannedEntry[] {
  return eachEntry(bytes, (reader, start) => {
    const key = reader.string("key")
    const option = reader.byte("value option")
    if (option === 1) skipValue(reader, 0)
    else if (option !== 0) reader.fail(`value option byte is ${option}, expected 0 or 1`)
    const timestamp = Number(reader.varInt("timestamp"))
    return { key, size: reader.offset - start, timestamp, deleted: option === 0 }
  })
}

/** Moves past one LoroValue (see readValue for the layout). */
function skipValue(reader: PostcardReader, depth: number): void {
  if (depth > MAX_VALUE_DEPTH) reader.fail(`value nested deeper than ${MAX_VALUE_DEPTH}`)
  const tag = reader.varUint("value tag")
  switch (tag) {
    case ValueTag.Null:
      return
    case ValueTag.Bool: {
      const byte = reader.byte("bool")
      if (byte > 1) reader.fail(`bool byte is ${byte}`)
      return
    }
    case ValueTag.Double:
      reader.bytes(8, "double")
      return
    case ValueTag.I64:
      reader.varInt("i64")
      return
    case ValueTag.String:
      reader.bytes(reader.length("string length"), "string")
      return
    case ValueTag.List: {
      const count = reader.length("list length")
      for (let index = 0; index < count; index++) skipValue(reader, depth + 1)
      return
    }
    case ValueTag.Map: {
      const count = reader.length("map size", 2)
      for (let index = 0; index < count; index++) {
        reader.bytes(reader.length("map key length"), "map key")
        skipValue(reader, depth + 1)
      }
      return
    }
    case ValueTag.Container:
      readContainerId(reader)
      return
    case ValueTag.Binary:
      reader.bytes(reader.length("binary length", 1), "binary")
      return
    default:
      reader.fail(`unknown LoroValue tag ${String(tag)}`)
  }
}

function readEntry(reader: PostcardReader): DecodedEntry {
  const start = reader.offset
  const key = reader.string("key")
  const option = reader.byte("value option")
  let value: DecodedValue | undefined
  if (option === 1) value = readValue(reader, 0)
  else if (option !== 0) reader.fail(`value option byte is ${option}, expected 0 or 1`)
  const timestamp = reader.varInt("timestamp")
  return {
    key,
    ...(option === 1 ? { value } : {}),
    deleted: option === 0,
    timestamp: Number(timestamp),
    size: reader.offset - start,
  }
}

/** Like decodeEphemeralStore, but returns the error instead of throwing. */
export function tryDecodeEphemeralStore(bytes: Uint8Array): { ok: true; entries: DecodedEntry[] } | { ok: false; error: string } {
  try {
    return { ok: true, entries: decodeEphemeralStore(bytes) }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

function readValue(reader: PostcardReader, depth: number): DecodedValue {
  if (depth > MAX_VALUE_DEPTH) reader.fail(`value nested deeper than ${MAX_VALUE_DEPTH}`)
  const tag = reader.varUint("value tag")
  switch (tag) {
    case ValueTag.Null:
      return null
    case ValueTag.Bool: {
      const byte = reader.byte("bool")
      if (byte > 1) reader.fail(`bool byte is ${byte}`)
      return byte === 1
    }
    case ValueTag.Double:
      return reader.float64("double")
    case ValueTag.I64:
      return reader.varInt("i64")
    case ValueTag.String:
      return reader.string("string")
    case ValueTag.List: {
      const count = reader.length("list length")
      const list: DecodedValue[] = []
      for (let index = 0; index < count; index++) list.push(readValue(reader, depth + 1))
      return list
    }
    case ValueTag.Map: {
      // Each pair is at least 2 bytes: an empty key's length and a Null tag.
      const count = reader.length("map size", 2)
      const map: { [key: string]: DecodedValue } = {}
      for (let index = 0; index < count; index++) {
        const key = reader.string("map key")
        const item = readValue(reader, depth + 1)
        // A "__proto__" key must stay data, not become the prototype; defineProperty
        // for every key would cost more than the rest of the decoding.
        if (key === "__proto__") Object.defineProperty(map, key, { value: item, enumerable: true, writable: true, configurable: true })
        else map[key] = item
      }
      return map
    }
    case ValueTag.Container:
      return readContainerId(reader)
    case ValueTag.Binary: {
      const length = reader.length("binary length", 1)
      return reader.bytes(length, "binary").slice()
    }
    default:
      return reader.fail(`unknown LoroValue tag ${String(tag)}`)
  }
}

/** serde's derived enum: variant 0 Root {name, type}, 1 Normal {peer, counter, type}. */
function readContainerId(reader: PostcardReader): string {
  const variant = reader.varUint("container id variant")
  if (variant === 0) {
    const name = reader.string("root container name")
    return `cid:root-${name}:${containerTypeName(reader.byte("container type"))}`
  }
  if (variant === 1) {
    const peer = reader.varUint("container peer")
    const counter = reader.varInt("container counter")
    return `cid:${String(counter)}@${String(peer)}:${containerTypeName(reader.byte("container type"))}`
  }
  return reader.fail(`unknown container id variant ${String(variant)}`)
}

function containerTypeName(byte: number): string {
  return CONTAINER_TYPE_NAMES[byte] ?? `Unknown(${byte})`
}

/**
 * How many entries an encoding says it carries, read from its first bytes
 * alone (the count leads; five bytes always hold it): what a hub's fan-out
 * counts for every frame it sends, without decoding any of them.
 */
export function ephemeralEntryCount(prefix: Uint8Array): number {
  if (!(prefix instanceof Uint8Array)) throw new EphemeralDecodeError("input is not a Uint8Array", 0)
  if (prefix.length === 0) return 0
  const count = new PostcardReader(prefix).varUint("entry count")
  return typeof count === "bigint" ? Number(count) : count
}
