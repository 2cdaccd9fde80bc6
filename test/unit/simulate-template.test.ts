/**
 * Value templates of the Simulate form: placeholders as numbers where they
 * stand unquoted, as text inside strings, random ranges, and errors that
 * point at what the user typed.
 */
import { describe, expect, it } from "vitest"
import {
  expandTemplate,
  formatTemplate,
  hasPlaceholders,
  parseTemplate,
  peerColor,
  type Template,
} from "../../devtools-panel/simulate/template"

function parsed(text: string): Template {
  const result = parseTemplate(text)
  if (!result.ok) throw new Error(result.error)
  return result.template
}

/** A random source that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]!
}

describe("template expansion", () => {
  it("fills an unquoted {{n}} as a number and a quoted one as text", () => {
    const template = parsed('{"id": {{n}}, "label": "ghost #{{n}}", "n": "{{n}}"}')
    expect(expandTemplate(template, { name: "ghost-7", n: 7 })).toEqual({ id: 7, label: "ghost #7", n: "7" })
  })

  it("fills names and colours as strings wherever they stand", () => {
    const template = parsed('{"name": {{name}}, "title": "I am {{name}}", "color": "{{color}}", "tags": [{{color}}]}')
    expect(expandTemplate(template, { name: "ada-2", n: 2 })).toEqual({
      name: "ada-2",
      title: "I am ada-2",
      color: peerColor(2),
      tags: [peerColor(2)],
    })
  })

  it("draws whole numbers from whole ranges, both ends included", () => {
    const template = parsed('{"x": {{rand 0 800}}, "y": {{rand -5 5}}}')
    expect(expandTemplate(template, { name: "a", n: 1, random: () => 0 })).toEqual({ x: 0, y: -5 })
    expect(expandTemplate(template, { name: "a", n: 1, random: () => 0.999999 })).toEqual({ x: 800, y: 5 })
    expect(expandTemplate(template, { name: "a", n: 1, random: sequence(0.5, 0.25) })).toEqual({ x: 400, y: -3 })
  })

  it("draws decimals from ranges written with decimals, and text from ranges in strings", () => {
    const template = parsed('{"scale": {{rand 0.5 1.5}}, "seat": "row {{rand 1 9}}"}')
    const value = expandTemplate(template, { name: "a", n: 1, random: sequence(0.25, 0.5) }) as Record<string, unknown>
    expect(value).toEqual({ scale: 0.8, seat: "row 5" })
    for (let i = 0; i < 50; i++) {
      const drawn = expandTemplate(parsed("{{rand 0.5 1.5}}"), { name: "a", n: 1 }) as number
      expect(drawn).toBeGreaterThanOrEqual(0.5)
      expect(drawn).toBeLessThanOrEqual(1.5)
    }
  })

  it("takes each placeholder on its own: two ranges draw twice", () => {
    const template = parsed("[{{rand 0 9}}, {{rand 0 9}}]")
    expect(expandTemplate(template, { name: "a", n: 1, random: sequence(0.1, 0.9) })).toEqual([1, 9])
  })

  it("leaves an app's own {{…}} text inside strings alone", () => {
    const template = parsed('{"greeting": "Hello {{user}}, I am {{name}}"}')
    expect(expandTemplate(template, { name: "bot", n: 3 })).toEqual({ greeting: "Hello {{user}}, I am bot" })
    expect(hasPlaceholders(parsed('"{{user}}"'))).toBe(false)
    expect(hasPlaceholders(parsed('"{{n}}"'))).toBe(true)
    expect(hasPlaceholders(parsed('{"a": [1, {{n}}]}'))).toBe(true)
    expect(hasPlaceholders(parsed('{"a": 1}'))).toBe(false)
  })

  it("reads plain JSON as it is, strings with braces and escapes included", () => {
    const text = '{"a": "{not a placeholder}", "b": "say \\"{{n}}\\"", "c": [1, 2.5, true, null]}'
    expect(expandTemplate(parsed(text), { name: "a", n: 4 })).toEqual({ a: "{not a placeholder}", b: 'say "4"', c: [1, 2.5, true, null] })
  })
})

describe("template errors", () => {
  it("refuses unknown and malformed placeholders in value positions", () => {
    expect(parseTemplate('{"x": {{count}}}')).toEqual({ ok: false, error: expect.stringMatching(/Unknown placeholder \{\{count\}\}/) })
    expect(parseTemplate('{"x": {{rand 5}}}')).toEqual({ ok: false, error: expect.stringMatching(/two numbers/) })
    expect(parseTemplate('{"x": {{rand 9 1}}}')).toEqual({ ok: false, error: expect.stringMatching(/minimum 9 is above the maximum 1/) })
    expect(parseTemplate('{"x": {{n}')).toEqual({ ok: false, error: expect.stringMatching(/never closed/) })
  })

  it("points JSON errors at what the user typed, placeholders and all", () => {
    // Swapped placeholders keep their length: the position is the one in the text as typed.
    expect(parseTemplate('{"x": {{n}} "y": 1}')).toEqual({ ok: false, error: expect.stringMatching(/^Invalid JSON at line 1, column 13/) })
    expect(parseTemplate('{"x": {{rand 0 800}} "y": 1}')).toEqual({
      ok: false,
      error: expect.stringMatching(/^Invalid JSON at line 1, column 22/),
    })
    // Where the engine quotes the text, it quotes the placeholders as typed.
    const quoted = parseTemplate('{"x": {{rand 0 800}},\n  "y": }')
    expect(quoted.ok).toBe(false)
    if (!quoted.ok) expect(quoted.error).not.toMatch(/[\uE000-\uF8FF]/)
  })
})

describe("template text", () => {
  it("writes slots unquoted, so the text parses back to the same template", () => {
    const text = formatTemplate({ x: parsed("{{rand 0 800}}"), name: "{{name}}", n: parsed("{{n}}"), list: [parsed("{{color}}")] })
    expect(text).toBe('{\n  "x": {{rand 0 800}},\n  "name": "{{name}}",\n  "n": {{n}},\n  "list": [\n    {{color}}\n  ]\n}')
    expect(formatTemplate(parsed(text))).toBe(text)
  })
})
