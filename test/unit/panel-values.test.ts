import { describe, expect, it } from "vitest"
import type { WireValue } from "../../protocol/messages"
import { inspectedEval, inspectedTabId } from "../../devtools-panel/env/inspected-window"
import { themeFor } from "../../devtools-panel/env/theme"
import { moveInList } from "../../devtools-panel/ui/list-keys"
import { describeValue, MAX_CHILDREN, previewOf } from "../../devtools-panel/values/describe"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import {
  formatAge,
  formatBytes,
  formatDate,
  formatDecimal,
  formatFileSize,
  formatRate,
  formatSeconds,
} from "../../devtools-panel/values/format"

const text = (value: WireValue) => describeValue(value).text

describe("values", () => {
  it("shows JSON primitives as DevTools does", () => {
    expect(text("hi")).toBe('"hi"')
    expect(text(1.5)).toBe("1.5")
    expect(text(false)).toBe("false")
    expect(text(null)).toBe("null")
    expect(describeValue(undefined).text).toBe("undefined")
  })

  it("previews containers and lists their children", () => {
    const node = describeValue({ name: "bob", cursor: { x: 1, y: 2 }, tags: ["a", "b"] })
    expect(node.preview).toBe('{name: "bob", cursor: {…}, tags: Array(2)}')
    expect(node.children?.map(child => child.name)).toEqual(["name", "cursor", "tags"])
    expect(describeValue([1, 2, 3]).text).toBe("Array(3)")
    expect(describeValue([1, 2, 3]).preview).toBe("[1, 2, 3]")
    expect(previewOf({})).toBe("{}")
  })

  it("caps very wide containers", () => {
    const node = describeValue(Array.from({ length: MAX_CHILDREN + 20 }, (_, i) => i))
    expect(node.children).toHaveLength(MAX_CHILDREN)
    expect(node.hidden).toBe(20)
  })

  it.each<[string, WireValue, string, string | undefined]>([
    ["bytes", { $ephemera: "bytes", type: "Uint8Array", length: 3, hex: "010203", truncated: false }, "Uint8Array(3) 01 02 03", undefined],
    [
      "bytes beyond the hex limit",
      { $ephemera: "bytes", type: "Uint8Array", length: 4096, hex: "0a0b", truncated: true },
      "Uint8Array(4096) 0a 0b …",
      "showing 2 of 4,096 bytes",
    ],
    [
      "bytes given as numbers, cut",
      { $ephemera: "bytes", type: "ArrayBuffer", length: 1000, preview: [255, 0] },
      "ArrayBuffer(1000) ff 00 …",
      "showing 2 of 1,000 bytes",
    ],
    ["bigint", { $ephemera: "bigint", value: "12345678901234567890" }, "12345678901234567890n", undefined],
    ["non-finite number", { $ephemera: "number", value: "-Infinity" }, "-Infinity", undefined],
    ["undefined", { $ephemera: "undefined" }, "undefined", undefined],
    ["date", { $ephemera: "date", iso: "1970-01-01T00:00:00.000Z", ms: 0 }, "Date(1970-01-01T00:00:00.000Z)", undefined],
    ["invalid date", { $ephemera: "date", iso: null, ms: null }, "Date(Invalid Date)", undefined],
    ["function", { $ephemera: "function", name: "onMove" }, "ƒ onMove()", undefined],
    ["symbol", { $ephemera: "symbol", description: "id" }, "Symbol(id)", undefined],
    ["cycle", { $ephemera: "cycle", path: "$.self" }, "[Circular → $.self]", undefined],
    ["depth", { $ephemera: "depth", kind: "Object", reason: "depth" }, "[Object …]", "nested deeper than the hook reads"],
    ["budget", { $ephemera: "depth", kind: "Array", reason: "budget" }, "[Array …]", "the hook's size budget ran out"],
    ["error", { $ephemera: "error", name: "TypeError", message: "x is null" }, "TypeError: x is null", undefined],
    ["throwing getter", { $ephemera: "error", name: "Error", message: "no", thrown: true }, "Error: no (thrown while reading)", undefined],
    ["truncated string", { $ephemera: "truncated-string", head: "abc", length: 1_000_000 }, '"abc…"', "1,000,000 chars"],
  ])("summarises %s", (_name, value, expected, truncated) => {
    const node = describeValue(value)
    expect(node.text).toBe(expected)
    expect(node.truncated).toBe(truncated)
  })

  it("expands maps, sets, instances and cut arrays", () => {
    const map = describeValue({
      $ephemera: "map",
      size: 2,
      entries: [
        ["a", 1],
        [{ k: 1 }, 2],
      ],
      truncated: false,
    })
    expect(map.text).toBe("Map(2)")
    expect(map.children).toEqual([
      { name: "a", value: 1 },
      { name: "{…}", value: 2 },
    ])
    expect(describeValue({ $ephemera: "set", size: 5, values: [1, 2], truncated: true })).toMatchObject({
      text: "Set(5)",
      hidden: 3,
      truncated: "showing 2 of 5 entries",
    })
    expect(describeValue({ $ephemera: "instance", className: "Vec", props: { x: 1 }, size: 1, truncated: false })).toMatchObject({
      text: "Vec",
      children: [{ name: "x", value: 1 }],
    })
    expect(describeValue({ $ephemera: "instance", className: "Big", props: { a: 1 }, size: 40, truncated: true })).toMatchObject({
      truncated: "showing 1 of 40 fields",
      hidden: 39,
    })
    expect(describeValue({ $ephemera: "truncated-array", length: 100, head: [1, 2] })).toMatchObject({
      text: "Array(100)",
      truncated: "showing 2 of 100 items",
    })
    expect(describeValue({ $ephemera: "truncated-object", size: 50, head: { a: 1 } })).toMatchObject({
      text: "Object",
      truncated: "showing 1 of 50 keys",
    })
    // Bags inside a summary are data: an app key named like the tag is just a key.
    expect(
      describeValue({ $ephemera: "instance", className: "Odd", props: { $ephemera: "bytes" }, size: 1, truncated: false }).children,
    ).toEqual([{ name: "$ephemera", value: "bytes" }])
  })

  it("shows an oversized store value by type, size and what of it is shown, the head underneath", () => {
    const string = describeValue({ $ephemera: "oversized", valueType: "string", bytes: 5 * 1024 * 1024, head: "abc", headBytes: 64 * 1024 })
    expect(string).toMatchObject({
      text: "string, 5.0 MB: first 64.0 kB shown",
      preview: '"abc"',
      children: [{ name: "head", value: "abc" }],
    })
    expect(string.truncated).toBe("too large to carry whole")
    const object = describeValue({ $ephemera: "oversized", valueType: "object", bytes: 300_000, head: { a: 1 } })
    expect(object).toMatchObject({ text: "object, 293.0 kB: shown within the hook's caps", children: [{ name: "head", value: { a: 1 } }] })
    expect(describeValue({ $ephemera: "oversized" })).toMatchObject({ text: "value, size unknown: shown within the hook's caps" })
  })

  it("never throws on odd or unknown summaries", () => {
    const odd: WireValue[] = [
      { $ephemera: "from-the-future", detail: [1] },
      { $ephemera: 42 },
      { $ephemera: { kind: "bytes", length: 1, hex: "ff" } },
      { $ephemera: "bytes" },
      { $ephemera: "map", entries: "nope" },
      { $ephemera: "date", value: "not a date" },
      { __proto__: 1, constructor: { prototype: null } } as unknown as WireValue,
    ]
    for (const value of odd) expect(() => describeValue(value)).not.toThrow()
    expect(text({ $ephemera: "from-the-future", detail: [1] })).toBe("⟨from-the-future⟩")
    expect(text({ $ephemera: { kind: "bytes", length: 1, hex: "ff" } })).toBe("Uint8Array(1) ff")
  })
})

describe("formats", () => {
  it("formats ages and rates compactly", () => {
    expect(formatAge(1_234)).toBe("1.2 s ago")
    expect(formatAge(42_000)).toBe("42 s ago")
    expect(formatAge(180_000)).toBe("3 min ago")
    // Within a second ahead is the page's and panel's clocks agreeing; beyond, a writer's clock runs ahead.
    expect(formatAge(-5)).toBe("0.0 s ago")
    expect(formatAge(-60_000)).toBe("1 min ahead")
    expect(formatAge(-12_500)).toBe("12 s ahead")
    expect(formatRate(0)).toBe("0/s")
    expect(formatRate(0.4)).toBe("0.4/s")
    expect(formatRate(120)).toBe("120/s")
  })

  it("writes every number and date in one locale, grouped and with fixed decimals", () => {
    expect(formatDecimal(1234.46, 1)).toBe("1,234.5")
    expect(formatDecimal(2, 3)).toBe("2.000")
    expect(formatSeconds(12_480)).toBe("12.5 s")
    expect(formatSeconds(3_600_000, 0)).toBe("3,600 s")
    expect(formatRate(12_345)).toBe("12,345/s")
    expect(formatBytes(1_536_000)).toBe("1.5 MB")
    expect(formatBytes(1_023_999)).toBe("1,000.0 kB")
    expect(formatFileSize(20_000 * 1024)).toBe("19.5 MB")
    expect(formatFileSize(12_000 * 1024)).toBe("11.7 MB")
    expect(formatDate(new Date(2026, 11, 6, 23, 59).getTime())).toBe("2026-12-06")
    expect(formatDate(Number.NaN)).toBe("—")
  })

  it("leaves number and date formatting to values/format.ts in every view", () => {
    // toFixed and toLocale* follow no common rule (toLocale* follows the browser's
    // locale, toFixed none): one stray call and two views disagree on "1,234.5".
    const root = join(import.meta.dirname, "../../devtools-panel")
    const allowed = new Set(["values/format.ts", "views/log/Sparkline.svelte"])
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (/\.(ts|svelte)$/.test(name) && !allowed.has(path.slice(root.length + 1))) {
          if (/\.toFixed\(|\.toLocale\w*\(/.test(readFileSync(path, "utf8"))) offenders.push(path.slice(root.length + 1))
        }
      }
    }
    walk(root)
    expect(offenders).toEqual([])
  })
})

describe("environment", () => {
  it("takes the tab id from the query first, then from DevTools", () => {
    const devtools = { inspectedWindow: { tabId: 9 } } as never
    expect(inspectedTabId("?tabId=12", devtools)).toBe(12)
    expect(inspectedTabId("", devtools)).toBe(9)
    expect(inspectedTabId("?tabId=x", devtools)).toBeUndefined()
    expect(inspectedTabId("", undefined)).toBeUndefined()
  })

  it("reads DevTools' [result, exceptionInfo] answers", async () => {
    const answers: unknown[] = [
      [true, undefined],
      [undefined, { isException: true, value: "ReferenceError: app is not defined" }],
      [undefined, { isError: true, code: "E_PROTOCOLERROR", description: "Inspected frame has gone" }],
    ]
    const devtools = {
      inspectedWindow: {
        tabId: 1,
        // A method that needs its object, as native APIs may.
        eval(this: { tabId: number }, code: string) {
          if (this.tabId !== 1) throw new Error("unbound")
          return code === "boom" ? Promise.reject(new Error("no")) : Promise.resolve(answers.shift())
        },
      },
    } as never
    const evaluate = inspectedEval(devtools)!
    expect(await evaluate("x")).toEqual({ value: true })
    expect(await evaluate("x")).toEqual({ error: "ReferenceError: app is not defined" })
    expect(await evaluate("x")).toEqual({ error: "Inspected frame has gone" })
    expect(await evaluate("boom")).toEqual({ error: "no" })
    expect(inspectedEval(undefined)).toBeUndefined()
  })

  it("follows the DevTools theme, else the system", () => {
    expect(themeFor("dark", false)).toBe("dark")
    expect(themeFor("default", true)).toBe("light")
    expect(themeFor(undefined, true)).toBe("dark")
  })
})

describe("list keys", () => {
  it("moves within bounds", () => {
    expect(moveInList("ArrowDown", ["a", "b"], undefined)).toBe("a")
    expect(moveInList("ArrowDown", ["a", "b"], "b")).toBe("b")
    expect(moveInList("ArrowUp", ["a", "b"], "b")).toBe("a")
    expect(moveInList("End", ["a", "b"], "a")).toBe("b")
    expect(moveInList("x", ["a"], "a")).toBeUndefined()
  })
})
