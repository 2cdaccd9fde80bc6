import { describe, expect, it } from "vitest"
import { formatPath, jsonDiff } from "../../devtools-panel/values/json-diff"

describe("jsonDiff", () => {
  it("lists added, removed and changed paths through objects and arrays", () => {
    expect(jsonDiff({ a: 1, b: { c: [1, 2] }, gone: true }, { a: 2, b: { c: [1, 3, 4] }, fresh: null })).toEqual([
      { path: ["a"], kind: "changed", before: 1, after: 2 },
      { path: ["b", "c", 1], kind: "changed", before: 2, after: 3 },
      { path: ["b", "c", 2], kind: "added", after: 4 },
      { path: ["fresh"], kind: "added", after: null },
      { path: ["gone"], kind: "removed", before: true },
    ])
  })

  it("treats no value on one side as the whole value added or removed, and equal values as no change", () => {
    expect(jsonDiff(undefined, { x: 1 })).toEqual([{ path: [], kind: "added", after: { x: 1 } }])
    expect(jsonDiff({ x: 1 }, undefined)).toEqual([{ path: [], kind: "removed", before: { x: 1 } }])
    expect(jsonDiff({ x: [1, { y: 2 }] }, { x: [1, { y: 2 }] })).toEqual([])
    expect(jsonDiff(1, "1")).toEqual([{ path: [], kind: "changed", before: 1, after: "1" }])
    expect(jsonDiff([1], { 0: 1 })).toEqual([{ path: [], kind: "changed", before: [1], after: { 0: 1 } }])
  })

  it("compares the hook's summaries of values JSON cannot carry as whole leaves", () => {
    const before = { avatar: { $ephemera: "bytes", length: 2, hex: "0102" } }
    const after = { avatar: { $ephemera: "bytes", length: 2, hex: "0103" } }
    expect(jsonDiff(before, after)).toEqual([{ path: ["avatar"], kind: "changed", before: before.avatar, after: after.avatar }])
  })

  it("formats paths as a reader would write them", () => {
    expect(formatPath([])).toBe("(value)")
    expect(formatPath(["cursor", "x"])).toBe("cursor.x")
    expect(formatPath(["items", 2, "name"])).toBe("items[2].name")
    expect(formatPath(["odd key", "ok"])).toBe('["odd key"].ok')
  })
})
