import { describe, expect, it } from "vitest"
import { LineSplitter } from "../../devtools-panel/recording/line-splitter"

describe("LineSplitter", () => {
  it("finds lines across pieces, empty ones included, and counts what is unfinished", () => {
    const splitter = new LineSplitter()
    const lines: string[] = []
    const take = (line: string) => void lines.push(line)
    splitter.push('{"a"', take)
    splitter.push(":1}", take)
    expect(splitter.pending).toBe(7)
    splitter.push('\n{"b":2}\n\n{"c"', take)
    expect(lines).toEqual(['{"a":1}', '{"b":2}', ""])
    expect(splitter.pending).toBe(4)
    splitter.push(":3}\n", take)
    expect(lines.at(-1)).toBe('{"c":3}')
    expect(splitter.pending).toBe(0)
  })

  it("holds a long line as pieces until it ends", () => {
    const splitter = new LineSplitter()
    const lines: string[] = []
    for (let index = 0; index < 1_000; index++) splitter.push("x".repeat(1_000), line => void lines.push(line))
    expect(lines).toEqual([])
    expect(splitter.pending).toBe(1_000_000)
    splitter.push("\n", line => void lines.push(line))
    expect(lines).toEqual(["x".repeat(1_000_000)])
  })
})
