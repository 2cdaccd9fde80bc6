import { EphemeralStore } from "loro-crdt"
import { afterEach, describe, expect, it } from "vitest"
import {
  decodeEphemeralEntry,
  decodeEphemeralKeys,
  decodeEphemeralSpans,
  decodeEphemeralStore,
  EphemeralDecodeError,
  scanEphemeralKeys,
  tryDecodeEphemeralStore,
} from "../../codec/loro-ephemeral/ephemeral-codec"
import { bytesToHex, hexToBytes } from "../../codec/hex"

const stores: EphemeralStore[] = []
afterEach(() => {
  // EphemeralStore runs an expiry timer once it holds data.
  for (const store of stores.splice(0)) store.destroy()
})

function newStore(): EphemeralStore {
  const store = new EphemeralStore(60_000)
  stores.push(store)
  return store
}

function hex(text: string): Uint8Array {
  return hexToBytes(text.replace(/\s+/g, ""))!
}

/** Hand-built encodings, for what the JS API cannot write (containers) or should never see (garbage). */
function varint(value: number | bigint): number[] {
  let rest = BigInt(value)
  const out: number[] = []
  do {
    const group = Number(rest & 0x7fn)
    rest >>= 7n
    out.push(rest > 0n ? group | 0x80 : group)
  } while (rest > 0n)
  return out
}
const zigzag = (value: number) => varint(value >= 0 ? value * 2 : -value * 2 - 1)
const text = (value: string) => {
  const utf8 = Array.from(new TextEncoder().encode(value))
  return [...varint(utf8.length), ...utf8]
}
function entry(key: string, value: number[] | undefined, timestamp: number): number[] {
  return [...text(key), ...(value ? [1, ...value] : [0]), ...zigzag(timestamp)]
}
const encoded = (...entries: number[][]) => new Uint8Array([...varint(entries.length), ...entries.flat()])

describe("decodeEphemeralStore: the documented example", () => {
  it("decodes key c = Uint8Array[1,2,3] with its timestamp", () => {
    const [decoded] = decodeEphemeralStore(hex("01 0163 01 08 03 010203 b2ce8985c068"))
    expect(decoded).toEqual({
      key: "c",
      value: new Uint8Array([1, 2, 3]),
      deleted: false,
      timestamp: Date.parse("2026-11-21T22:54:11.353Z"),
      size: 14,
    })
  })
})

describe("decodeEphemeralStore against loro-crdt's own EphemeralStore", () => {
  const values: Record<string, unknown> = {
    null: null,
    true: true,
    false: false,
    zero: 0,
    small: 7,
    negative: -3,
    i32max: 2 ** 31 - 1,
    bigNegative: -(2 ** 40),
    maxSafe: Number.MAX_SAFE_INTEGER,
    minSafe: Number.MIN_SAFE_INTEGER,
    half: 1.5,
    tenth: 0.1,
    tiny: -1e-300,
    huge: 1.7976931348623157e308,
    empty: "",
    ascii: "hello",
    unicode: "héllo wörld ✓ 日本語 🎉",
    long: "x".repeat(70_000),
    list: [1, "a", null, true, 2.5],
    nestedList: [[[[]]], [1, [2, [3]]]],
    map: { x: 1, y: { z: true, w: [1, 2] } },
    presence: { name: "alice", cursor: { x: 10.5, y: -4 }, color: "#ff0000", typing: false, selection: [1, 5] },
    emptyMap: {},
    bytes: new Uint8Array([0, 1, 2, 253, 254, 255]),
    emptyBytes: new Uint8Array(0),
    bytesInMap: { blob: new Uint8Array([9, 8, 7]) },
  }

  for (const [key, value] of Object.entries(values)) {
    it(`round-trips ${key}`, () => {
      const store = newStore()
      store.set(key, value as never)
      const before = Date.now()
      const [decoded, ...rest] = decodeEphemeralStore(store.encode(key))
      expect(rest).toEqual([])
      expect(decoded!.key).toBe(key)
      expect(decoded!.deleted).toBe(false)
      expect(decoded!.value).toEqual(store.get(key))
      expect(decoded!.timestamp).toBeGreaterThan(before - 60_000)
      expect(decoded!.timestamp).toBeLessThanOrEqual(Date.now())
      expect(decoded!.size).toBe(store.encode(key).length - 1)
    })
  }

  it("keeps integers beyond 2^53 exact as bigint (JavaScript's own get() rounds them)", () => {
    const store = newStore()
    store.set("big", 2 ** 60)
    store.set("bigNegative", -(2 ** 62))
    const [big] = decodeEphemeralStore(store.encode("big"))
    const [negative] = decodeEphemeralStore(store.encode("bigNegative"))
    expect(big!.value).toBe(2n ** 60n)
    expect(negative!.value).toBe(-(2n ** 62n))
  })

  it("decodes a tombstone after delete, with a fresh timestamp", async () => {
    const store = newStore()
    store.set("peer", { name: "bob" })
    const [written] = decodeEphemeralStore(store.encode("peer"))
    await new Promise(resolve => setTimeout(resolve, 5))
    store.delete("peer")
    const [deleted] = decodeEphemeralStore(store.encode("peer"))
    expect(deleted).toMatchObject({ key: "peer", deleted: true })
    expect(deleted).not.toHaveProperty("value")
    expect(deleted!.timestamp).toBeGreaterThan(written!.timestamp)
  })

  it("decodes encodeAll: every key, tombstones included", () => {
    const store = newStore()
    store.set("a", 1)
    store.set("b", "two")
    store.set("c", [3])
    store.delete("b")
    const entries = decodeEphemeralStore(store.encodeAll())
    expect(Object.fromEntries(entries.map(e => [e.key, e.deleted ? "deleted" : e.value]))).toEqual({ a: 1, b: "deleted", c: [3] })
  })

  it("decodes the encoding of a key the store does not have as no entries", () => {
    expect(decodeEphemeralStore(newStore().encode("nobody"))).toEqual([])
  })

  it("decodes container ids the way loro hands them to JavaScript", () => {
    const rootMap = [7, 0, ...text("root"), 1] // Container, Root, name, type byte 1 = Map
    const normalText = [7, 1, ...varint(42), ...zigzag(3), 0] // Container, Normal, peer 42, counter 3, Text
    const now = Date.now()
    const bytes = encoded(entry("root", rootMap, now), entry("normal", normalText, now), entry("list", [5, 1, ...rootMap], now))
    const store = newStore()
    store.apply(bytes)
    const decoded = decodeEphemeralStore(bytes)
    expect(decoded.map(e => e.value)).toEqual(["cid:root-root:Map", "cid:3@42:Text", ["cid:root-root:Map"]])
    expect(decoded.map(e => e.value)).toEqual([store.get("root"), store.get("normal"), store.get("list")])
  })

  it("reads a map key named __proto__ as data", () => {
    const bytes = encoded(entry("k", [6, 1, ...text("__proto__"), 3, ...zigzag(5)], Date.now()))
    const [decoded] = decodeEphemeralStore(bytes)
    expect(Object.getPrototypeOf(decoded!.value)).toBe(Object.prototype)
    expect(Object.keys(decoded!.value as object)).toEqual(["__proto__"])
  })
})

describe("keys and single entries", () => {
  it("lists the keys decodeEphemeralStore would, for one entry, many, none", () => {
    const store = newStore()
    store.set("solo", { x: 1 })
    expect(decodeEphemeralKeys(store.encode("solo"))).toEqual(["solo"])
    store.set("two", "b")
    store.delete("solo")
    const all = store.encodeAll()
    expect(decodeEphemeralKeys(all)).toEqual(decodeEphemeralStore(all).map(entry => entry.key))
    expect(decodeEphemeralKeys(store.encode("nobody"))).toEqual([])
    expect(decodeEphemeralKeys(new Uint8Array(0))).toEqual([])
    expect(() => decodeEphemeralKeys(new Uint8Array([1, 9, 65]))).toThrow(EphemeralDecodeError)
  })

  it("decodes one entry's span (no count before it) as decodeEphemeralStore decodes the entry", () => {
    const store = newStore()
    store.set("a", { nested: [1, "two"] })
    store.set("b", 2)
    store.delete("b")
    for (const span of decodeEphemeralSpans(store.encodeAll())) {
      const { raw, ...entry } = span
      expect(decodeEphemeralEntry(raw)).toEqual(entry)
    }
    const raw = decodeEphemeralSpans(store.encode("a"))[0]!.raw
    expect(() => decodeEphemeralEntry(raw.subarray(0, raw.length - 1))).toThrow(EphemeralDecodeError)
    expect(() => decodeEphemeralEntry(new Uint8Array([...raw, 0]))).toThrow(/trailing/)
  })
})

describe("scanning keys without decoding values", () => {
  it("finds every entry's key and size as decodeEphemeralStore does, for every kind of value loro writes", () => {
    const store = newStore()
    const values: unknown[] = [
      null,
      true,
      -3,
      2 ** 40,
      1.5,
      "héllo ✓",
      [1, "a", [null]],
      { x: 1, y: { z: [true] } },
      new Uint8Array([0, 255]),
      {},
    ]
    for (const [index, value] of values.entries()) store.set(`k${index}`, value as never)
    store.delete("k3")
    const all = store.encodeAll()
    expect(scanEphemeralKeys(all)).toEqual(
      decodeEphemeralStore(all).map(({ key, size, timestamp, deleted }) => ({ key, size, timestamp, deleted })),
    )
    expect(scanEphemeralKeys(store.encode("k7"))).toEqual([expect.objectContaining({ key: "k7", size: store.encode("k7").length - 1 })])
    expect(scanEphemeralKeys(new Uint8Array(0))).toEqual([])
    // Containers (which the JS API cannot write) and a 2^40 list claim.
    const container = encoded(entry("c", [7, 0, ...text("root"), 1], 5), entry("d", [3, ...zigzag(-9)], 6))
    expect(scanEphemeralKeys(container)).toEqual(
      decodeEphemeralStore(container).map(({ key, size, timestamp, deleted }) => ({ key, size, timestamp, deleted })),
    )
    expect(() => scanEphemeralKeys(encoded(entry("k", [5, ...varint(2 ** 40)], 1)))).toThrow(/list length/)
  })

  it("refuses what decodeEphemeralStore refuses for its layout: truncations, trailing bytes, bad tags, depth", () => {
    const store = newStore()
    store.set("presence", { name: "carol", cursor: { x: 1.25, y: 2 }, tags: ["a", "b"], blob: new Uint8Array([1, 2]) })
    store.set("n", -12345)
    const sample = store.encodeAll()
    for (let length = 1; length < sample.length; length++) {
      expect(() => scanEphemeralKeys(sample.subarray(0, length)), `length ${length}`).toThrow(EphemeralDecodeError)
    }
    expect(() => scanEphemeralKeys(new Uint8Array([...sample, 0]))).toThrow(/trailing bytes/)
    expect(() => scanEphemeralKeys(encoded(entry("k", [9], 1)))).toThrow(/unknown LoroValue tag 9/)
    expect(() => scanEphemeralKeys(encoded(entry("k", [1, 7], 1)))).toThrow(/bool byte is 7/)
    const deep = [...new Array(200).fill(0).flatMap(() => [5, 1]), 0]
    expect(() => scanEphemeralKeys(encoded(entry("k", deep, 1)))).toThrow(/nested deeper/)
  })
})

describe("decodeEphemeralStore rejects malformed input", () => {
  const sample = (() => {
    const store = new EphemeralStore(60_000)
    store.set("presence", { name: "carol", cursor: { x: 1.25, y: 2 }, tags: ["a", "b"], blob: new Uint8Array([1, 2]) })
    store.set("n", -12345)
    store.delete("n")
    const bytes = store.encodeAll()
    store.destroy()
    return bytes
  })()

  it("decodes the untouched sample", () => {
    expect(decodeEphemeralStore(sample)).toHaveLength(2)
  })

  it("reads empty input (the repo's removal signal) as no entries", () => {
    expect(decodeEphemeralStore(new Uint8Array(0))).toEqual([])
  })

  it("throws EphemeralDecodeError for every truncation", () => {
    for (let length = 1; length < sample.length; length++) {
      expect(() => decodeEphemeralStore(sample.subarray(0, length)), `length ${length}`).toThrow(EphemeralDecodeError)
    }
  })

  it("refuses a bogus length before allocating anything", () => {
    const bogus = new Uint8Array([0x01, ...varint(2 ** 40), 0x61])
    expect(() => decodeEphemeralStore(bogus)).toThrow(/exceeds the 1 bytes left/)
    const hugeCount = new Uint8Array([...varint(2 ** 50)])
    expect(() => decodeEphemeralStore(hugeCount)).toThrow(/entry count/)
    const hugeList = encoded(entry("k", [5, ...varint(1_000_000_000)], 1))
    expect(() => decodeEphemeralStore(hugeList)).toThrow(/list length/)
  })

  it("names the problem", () => {
    expect(() => decodeEphemeralStore(new Uint8Array([...sample, 0]))).toThrow(/trailing bytes/)
    expect(() => decodeEphemeralStore(encoded(entry("k", undefined, 1)).map((b, i) => (i === 3 ? 2 : b)))).toThrow(/option byte is 2/)
    expect(() => decodeEphemeralStore(encoded(entry("k", [9], 1)))).toThrow(/unknown LoroValue tag 9/)
    expect(() => decodeEphemeralStore(encoded(entry("k", [1, 7], 1)))).toThrow(/bool byte is 7/)
    expect(() => decodeEphemeralStore(new Uint8Array([1, 2, 0xc3, 0x28, 0, 0]))).toThrow(/not valid UTF-8/)
    expect(() => decodeEphemeralStore(new Uint8Array([1, 1, 0x61, 1, 3, ...new Array(11).fill(0xff), 1, 0]))).toThrow(/varint/)
    expect(() => decodeEphemeralStore(encoded(entry("k", [7, 2], 1)))).toThrow(/container id variant 2/)
    const deep = [...new Array(200).fill(0).flatMap(() => [5, 1]), 0]
    expect(() => decodeEphemeralStore(encoded(entry("k", deep, 1)))).toThrow(/nested deeper/)
    expect(() => decodeEphemeralStore("nope" as unknown as Uint8Array)).toThrow(EphemeralDecodeError)
  })

  it("survives random bytes and random corruption with EphemeralDecodeError only", () => {
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    for (let round = 0; round < 3_000; round++) {
      const bytes =
        round % 2 === 0
          ? Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256))
          : sample.map(byte => (random() < 0.05 ? Math.floor(random() * 256) : byte))
      const result = tryDecodeEphemeralStore(bytes)
      if (!result.ok) expect(() => decodeEphemeralStore(bytes)).toThrow(EphemeralDecodeError)
    }
  })
})

describe("hex helpers", () => {
  it("round-trips and refuses non-hex", () => {
    const bytes = new Uint8Array([0, 15, 16, 255])
    expect(bytesToHex(bytes)).toBe("000f10ff")
    expect(bytesToHex(bytes, 2)).toBe("000f")
    expect(hexToBytes("000f10ff")).toEqual(bytes)
    expect(hexToBytes("abc")).toBeUndefined()
    expect(hexToBytes("zz")).toBeUndefined()
  })
})
