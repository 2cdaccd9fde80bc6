/**
 * The per-kind event writers are generated from the event layout
 * (scripts/generate-kind-writers.ts): the committed file is what the layout
 * makes, and a layout entry is all a new event kind needs.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { KIND_WRITERS_PATH, kindWritersSource } from "../../scripts/generate-kind-writers"

describe("generated per-kind event writers", () => {
  it("are what the layout makes (else: npm run generate)", () => {
    expect(readFileSync(KIND_WRITERS_PATH, "utf8")).toBe(kindWritersSource())
  })

  it("write a new kind's fields in its declared order, a size from the value before it", () => {
    const source = kindWritersSource({
      "doc-change": [
        ["docId", "str"],
        ["heads", "numbers"],
        ["patch", "val"],
        ["bytes", "size"],
        ["local", "bool"],
      ],
    })
    expect(source).toContain(`  "doc-change": (tape, fields) => {
    tape.str(fields.docId)
    writeValue(tape, fields.heads)
    const patchSize = writeValue(tape, fields.patch)
    tape.num(patchSize ?? fields.bytes(unwrapped(fields.patch)))
    tape.bool(fields.local)
  },
`)
  })

  it("refuses a size field with no value before it", () => {
    expect(() => kindWritersSource({ broken: [["size", "size"]] })).toThrow("broken.size: a size field must follow a value")
  })
})
