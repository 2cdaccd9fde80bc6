import { describe, expect, it } from "vitest"
import { judgeSeq, MAX_UNEXPLAINED_GAP } from "../../devtools-panel/transport/sequence"

describe("judgeSeq", () => {
  it("takes the first batch, and each next one, as they come", () => {
    expect(judgeSeq(undefined, 0)).toEqual({ kind: "next" })
    expect(judgeSeq(undefined, 41)).toEqual({ kind: "next" })
    expect(judgeSeq(41, 42)).toEqual({ kind: "next" })
  })

  it("counts a gap real losses can explain", () => {
    expect(judgeSeq(10, 13)).toEqual({ kind: "gap", lost: 2 })
    expect(judgeSeq(10, 11 + MAX_UNEXPLAINED_GAP)).toEqual({ kind: "gap", lost: MAX_UNEXPLAINED_GAP })
    // The relay said it discarded 100,000 batches before this one.
    expect(judgeSeq(10, 100_011, 100_000)).toEqual({ kind: "gap", lost: 100_000 })
  })

  it("reads any bigger jump, forward or back, as a reset", () => {
    expect(judgeSeq(10, 12 + MAX_UNEXPLAINED_GAP)).toEqual({ kind: "reset" })
    expect(judgeSeq(10, 2 ** 53 - 1)).toEqual({ kind: "reset" })
    expect(judgeSeq(2 ** 53 - 1, 11)).toEqual({ kind: "reset" })
    expect(judgeSeq(10, 100_012 + MAX_UNEXPLAINED_GAP, 100_000)).toEqual({ kind: "reset" })
  })

  it("calls a batch at or shortly before the last one a repeat", () => {
    expect(judgeSeq(10, 10)).toEqual({ kind: "repeat" })
    expect(judgeSeq(10, 3)).toEqual({ kind: "repeat" })
    expect(judgeSeq(10 + MAX_UNEXPLAINED_GAP, 10)).toEqual({ kind: "repeat" })
  })
})
