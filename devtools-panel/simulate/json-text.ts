/**
 * JSON typed by the user into the Simulate view's editors. A parse error
 * names the line and column: browsers word JSON.parse errors differently
 * (V8 gives a position, Firefox a line and column), so both are read.
 */
import type { JsonValue } from "../../protocol/simulate"

export type JsonParse = { ok: true; value: JsonValue } | { ok: false; error: string }

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position)
  const line = before.split("\n").length
  return { line, column: position - before.lastIndexOf("\n") }
}

/** " at line L, column C" when the engine's message says where, else nothing (some do not). */
function where(text: string, message: string): string {
  const lineCol = /line (\d+) column (\d+)/i.exec(message)
  if (lineCol) return ` at line ${lineCol[1]}, column ${lineCol[2]}`
  const position = /position (\d+)/i.exec(message)
  if (position) {
    const { line, column } = lineColumn(text, Number(position[1]))
    return ` at line ${line}, column ${column}`
  }
  return /end of/i.test(message) ? " at the end" : ""
}

/** What went wrong without the browser's "JSON.parse:" prefix and position text. */
function reason(message: string): string {
  return message
    .replace(/^JSON\.parse:\s*/i, "")
    .replace(/\s*(in JSON )?at position \d+.*$/i, "")
    .replace(/\s*at line \d+ column \d+.*$/i, "")
    .replace(/^./, first => first.toUpperCase())
}

export function parseJsonText(text: string): JsonParse {
  if (text.trim() === "") return { ok: false, error: 'Enter a JSON value, e.g. {"x": 0} or true' }
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, error: `Invalid JSON${where(text, message)}: ${reason(message)}` }
  }
}

/** Pretty JSON for an editor (two spaces, like DevTools' "Copy object"). */
export function formatJson(value: JsonValue): string {
  return JSON.stringify(value, null, 2)
}
