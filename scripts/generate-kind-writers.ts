/**
 * `npm run generate`: writes codec/event-tape/kind-writers.ts from the event
 * layout (codec/event-tape/layout.ts), one plain function per event kind that
 * writes its fields in the layout's order. Why generated rather than a loop
 * over the layout: a loop reads each field by a name that changes from
 * field to field and kind to kind, a lookup V8 cannot cache, and this runs
 * for every event the hook writes (measured: about 5% of the writing). A
 * unit test fails when the file and the layout disagree.
 *
 *   tsx scripts/generate-kind-writers.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { EVENT_LAYOUTS, type FieldLayout } from "../codec/event-tape/layout"

export const KIND_WRITERS_PATH = resolve(import.meta.dirname, "../codec/event-tape/kind-writers.ts")

const HEADER = `/**
 * Generated from layout.ts by \`npm run generate\` (scripts/generate-kind-writers.ts):
 * do not edit. One function per event kind, writing what a tap hands over
 * (EventFields) in the order the layout declares; event-writer.ts calls them.
 */
import type { EventKind } from "./layout"
import { type EventFields, unwrapped, writeCommands, writeEntries, writeValue } from "./field-writers"
import type { TapeWriter } from "./writer"

type KindWriters = { readonly [K in EventKind]: (tape: TapeWriter, fields: EventFields<K>) => void }

export const KIND_WRITERS: KindWriters = {
`

/** The statements that write one kind's fields. */
function statementsFor(kind: string, layout: readonly FieldLayout[]): string[] {
  // The val field each size field measures: the one just before it.
  const measured = new Set<string>()
  let lastValue: string | undefined
  for (const [name, token] of layout) {
    if (token === "val" || token === "record" || token === "numbers") lastValue = name
    if (token !== "size") continue
    if (lastValue === undefined) throw new Error(`${kind}.${name}: a size field must follow a value`)
    measured.add(lastValue)
  }
  const lines: string[] = []
  for (const [name, token] of layout) {
    const field = `fields.${name}`
    switch (token) {
      case "str":
      case "opt":
      case "num":
      case "bool":
        lines.push(`tape.${token}(${field})`)
        break
      case "val":
      case "record":
      case "numbers":
        lastValue = name
        lines.push(measured.has(name) ? `const ${name}Size = writeValue(tape, ${field})` : `writeValue(tape, ${field})`)
        break
      case "size":
        lines.push(`tape.num(${lastValue}Size ?? ${field}(unwrapped(fields.${lastValue})))`)
        break
      case "commands":
        lines.push(`writeCommands(tape, ${field})`)
        break
      case "entries":
        lines.push(`writeEntries(tape, ${field})`)
        break
    }
  }
  return lines
}

/** The whole file, formatted as `npm run format` leaves it. */
export function kindWritersSource(layouts: Readonly<Record<string, readonly FieldLayout[]>> = EVENT_LAYOUTS): string {
  const kinds = Object.entries(layouts).map(([kind, layout]) => {
    const key = /^[a-z]\w*$/i.test(kind) ? kind : JSON.stringify(kind)
    const body = statementsFor(kind, layout)
      .map(line => `    ${line}\n`)
      .join("")
    return `  ${key}: (tape, fields) => {\n${body}  },\n`
  })
  return `${HEADER}${kinds.join("")}}\n`
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const source = kindWritersSource()
  if (process.argv.includes("--check")) {
    if (readFileSync(KIND_WRITERS_PATH, "utf8") !== source) {
      console.error("✗ codec/event-tape/kind-writers.ts is not what the layout makes: run npm run generate")
      process.exit(1)
    }
  } else {
    writeFileSync(KIND_WRITERS_PATH, source)
    console.log(`wrote ${KIND_WRITERS_PATH}`)
  }
}
