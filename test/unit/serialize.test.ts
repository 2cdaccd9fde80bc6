import { describe, expect, it } from "vitest"
import { SUMMARY_TAG, type WireValue } from "../../protocol/messages"
import { plainDataCheck } from "../../protocol/validate"
import { serialize } from "../../codec/serialize/serialize"

const T = SUMMARY_TAG

/** Every result must be plain JSON data the relay accepts. */
function wire(value: unknown, options?: Parameters<typeof serialize>[1]): WireValue {
  const result = serialize(value, options)
  expect(plainDataCheck(result)).toBeUndefined()
  expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  return result
}

describe("serialize: plain JSON passes through", () => {
  it("keeps primitives, arrays and plain objects", () => {
    const value = { a: 1, b: "two", c: [true, null, { d: -0.5 }], e: {} }
    expect(wire(value)).toEqual(value)
    expect(wire(-0)).toBe(0)
    expect(wire(Object.create(null))).toEqual({})
  })
})

describe("serialize: summaries", () => {
  it("bytes: Uint8Array, ArrayBuffer and other views, with length and first bytes", () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i)
    expect(wire(bytes)).toEqual({ [T]: "bytes", type: "Uint8Array", length: 100, hex: bytesHex(0, 32), truncated: true })
    expect(wire(bytes.buffer)).toMatchObject({ [T]: "bytes", type: "ArrayBuffer", length: 100 })
    expect(wire(new Uint16Array([1, 2]))).toEqual({ [T]: "bytes", type: "Uint16Array", length: 4, hex: "01000200", truncated: false })
    expect(wire(bytes.subarray(10, 12))).toMatchObject({ hex: "0a0b", length: 2, truncated: false })
  })

  it("bytes listed in fullBytes travel whole", () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i)
    expect(wire({ data: bytes }, { fullBytes: new Set([bytes]) })).toEqual({
      data: { [T]: "bytes", type: "Uint8Array", length: 100, hex: bytesHex(0, 100), truncated: false },
    })
  })

  it("Map and Set with their entries, capped", () => {
    expect(
      wire(
        new Map<unknown, unknown>([
          ["a", 1],
          [{ k: 1 }, [2]],
        ]),
      ),
    ).toEqual({
      [T]: "map",
      size: 2,
      entries: [
        ["a", 1],
        [{ k: 1 }, [2]],
      ],
      truncated: false,
    })
    expect(wire(new Set([1, "x"]))).toEqual({ [T]: "set", size: 2, values: [1, "x"], truncated: false })
    const big = new Map(Array.from({ length: 1_000 }, (_, i) => [i, i]))
    const summary = wire(big) as { entries: unknown[]; size: number; truncated: boolean }
    expect(summary).toMatchObject({ size: 1_000, truncated: true })
    expect(summary.entries).toHaveLength(100)
  })

  it("BigInt, Date, symbols, functions, undefined", () => {
    expect(wire(2n ** 70n)).toEqual({ [T]: "bigint", value: "1180591620717411303424" })
    expect(wire(new Date(0))).toEqual({ [T]: "date", iso: "1970-01-01T00:00:00.000Z", ms: 0 })
    expect(wire(new Date(NaN))).toEqual({ [T]: "date", iso: null, ms: null })
    expect(wire(Symbol("tag"))).toEqual({ [T]: "symbol", description: "tag" })
    expect(wire(function named() {})).toEqual({ [T]: "function", name: "named" })
    expect(wire([undefined])).toEqual([{ [T]: "undefined" }])
    expect(wire({ f: () => 1, keep: 1 }, { dropFunctions: true })).toEqual({ keep: 1 })
  })

  it("NaN and the infinities as number summaries", () => {
    expect(wire([NaN, Infinity, -Infinity])).toEqual([
      { [T]: "number", value: "NaN" },
      { [T]: "number", value: "Infinity" },
      { [T]: "number", value: "-Infinity" },
    ])
  })

  it("cycles point at the ancestor they repeat; shared references are not cycles", () => {
    const root: Record<string, unknown> = { name: "root", list: [] }
    ;(root.list as unknown[]).push({ back: root })
    expect(wire(root)).toEqual({ name: "root", list: [{ back: { [T]: "cycle", path: "$" } }] })
    const shared = { x: 1 }
    expect(wire({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } })
    const inner: Record<string, unknown> = {}
    inner.self = inner
    expect(wire({ deep: [inner] })).toEqual({ deep: [{ self: { [T]: "cycle", path: "$.deep[0]" } }] })
  })

  it("class instances: class name and own enumerable props, capped", () => {
    class Cursor {
      x = 1
      y = 2
      get hidden() {
        return "getter on the prototype"
      }
    }
    expect(wire(new Cursor())).toEqual({ [T]: "instance", className: "Cursor", props: { x: 1, y: 2 }, size: 2, truncated: false })
    class Wide {
      constructor() {
        for (let i = 0; i < 150; i++) (this as unknown as Record<string, number>)[`k${i}`] = i
      }
    }
    const wide = wire(new Wide()) as { props: object; truncated: boolean; size: number }
    expect(Object.keys(wide.props)).toHaveLength(100)
    expect(wide).toMatchObject({ truncated: true, size: 150 })
  })

  it("an object carrying the summary tag itself is an instance, never mistaken for a summary", () => {
    expect(wire({ [T]: "bytes", length: 3 })).toEqual({
      [T]: "instance",
      className: "Object",
      props: { [T]: "bytes", length: 3 },
      size: 2,
      truncated: false,
    })
  })

  it("errors with name, message and stack", () => {
    const summary = wire({ error: new TypeError("boom") }) as { error: Record<string, unknown> }
    expect(summary.error).toMatchObject({ [T]: "error", name: "TypeError", message: "boom" })
    expect(summary.error.stack).toContain("boom")
  })

  it("getters and proxies that throw become summaries, never exceptions", () => {
    const hostile = {
      ok: 1,
      get bad(): never {
        throw new Error("getter exploded")
      },
    }
    expect(wire(hostile)).toEqual({ ok: 1, bad: expect.objectContaining({ [T]: "error", message: "getter exploded", thrown: true }) })
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap")
        },
      },
    )
    expect(wire({ proxy })).toEqual({ proxy: expect.objectContaining({ [T]: "error", message: "trap", thrown: true }) })
    const revocable = Proxy.revocable({}, {})
    revocable.revoke()
    expect((wire([revocable.proxy]) as WireValue[])[0]).toMatchObject({ [T]: "error", thrown: true })
  })

  it("keeps a __proto__ key as data", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object
    const result = wire(value) as Record<string, unknown>
    expect(Object.keys(result)).toEqual(["__proto__", "a"])
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it("converts what the convert hook recognises", () => {
    class Version {
      toJSON() {
        return new Map([["1", 2]])
      }
    }
    const convert = (value: object) => (value instanceof Version ? { value: Object.fromEntries(value.toJSON()) } : undefined)
    expect(wire({ v: new Version() }, { convert })).toEqual({ v: { "1": 2 } })
  })
})

describe("serialize: caps", () => {
  it("strings over 10,000 chars become truncated-string with head and length; a 1 MB string stays fast", () => {
    expect(wire("x".repeat(10_000))).toBe("x".repeat(10_000))
    const mega = "ab".repeat(500_000)
    const result = serialize({ mega })
    expect(wire({ mega })).toEqual(result)
    expect(result).toEqual({ mega: { [T]: "truncated-string", head: mega.slice(0, 1_000), length: 1_000_000 } })
  })

  it("arrays over 5,000 items become truncated-array with head and length; 1e6 items stay fast", () => {
    expect((wire(new Array(5_000).fill(1)) as unknown[]).length).toBe(5_000)
    const million = Array.from({ length: 1_000_000 }, (_, i) => ({ i }))
    serialize(new Array(6_000).fill({ i: 0 })) // warm the JIT: the claim is about size, not first-call cost
    const result = serialize(million) as { head: unknown[]; length: number }
    expect(plainDataCheck(result)).toBeUndefined()
    expect(result).toMatchObject({ [T]: "truncated-array", length: 1_000_000 })
    expect(result.head).toHaveLength(100)
    expect(result.head[99]).toEqual({ i: 99 })
  })

  it("objects with many keys become truncated-object with a head", () => {
    const many = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]))
    const result = wire(many) as { head: Record<string, number>; size: number }
    expect(result).toMatchObject({ [T]: "truncated-object", size: 5_000 })
    expect(Object.keys(result.head)).toHaveLength(100)
  })

  it("nesting stops at the depth cap", () => {
    let deep: Record<string, unknown> = { leaf: true }
    for (let i = 0; i < 50; i++) deep = { next: deep }
    let node = wire(deep) as Record<string, unknown>
    let levels = 0
    while (node.next && !(T in (node.next as object))) {
      node = node.next as Record<string, unknown>
      levels++
    }
    expect(levels).toBe(11)
    expect(node.next).toEqual({ [T]: "depth", kind: "Object", reason: "depth" })
  })

  it("a node budget bounds the whole walk", () => {
    const row = Array.from({ length: 4_000 }, (_, i) => i)
    const wideAndDeep = Array.from({ length: 4_000 }, () => row.slice())
    const result = serialize(wideAndDeep, { maxNodes: 5_000 }) as unknown[][]
    expect(plainDataCheck(result)).toBeUndefined()
    expect(result[0]).toHaveLength(4_000)
    expect(result[3_999]).toEqual({ [T]: "depth", kind: "Array", reason: "budget" })
  })

  it("a char budget cuts strings once spent", () => {
    const strings = Array.from({ length: 50 }, () => "y".repeat(9_000))
    const result = wire(strings, { maxChars: 100_000 }) as unknown[]
    expect(result[0]).toBe("y".repeat(9_000))
    expect(result[49]).toEqual({ [T]: "truncated-string", head: "y".repeat(1_000), length: 9_000 })
  })
})

function bytesHex(from: number, to: number): string {
  let text = ""
  for (let i = from; i < to; i++) text += i.toString(16).padStart(2, "0")
  return text
}
