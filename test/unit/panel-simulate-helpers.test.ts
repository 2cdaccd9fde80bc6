/**
 * The Simulate view's pure helpers: JSON input, shapes learned from real
 * values, templates and random-walk bounds from a room, behaviour drafts and
 * the requests built from the form.
 */
import { describe, expect, it } from "vitest"
import type { SimulatedPeerInfo } from "../../protocol/simulate"
import { behaviourFromDraft, defaultBehaviour, draftFromSpec } from "../../devtools-panel/simulate/behaviour-draft"
import { parseJsonText } from "../../devtools-panel/simulate/json-text"
import { buildPatch, buildPeerSpecs, checkForm, peerNames, type PeerFormDraft } from "../../devtools-panel/simulate/peer-specs"
import { realValues, templateValue, walkDefaults } from "../../devtools-panel/simulate/room-samples"
import { peerColor, Slot } from "../../devtools-panel/simulate/template"
import { inferShape, shapeWarnings } from "../../devtools-panel/simulate/value-shape"
import type { EntryState, RoomState } from "../../devtools-panel/state/panel-state"

function entryState(key: string, value: unknown, changedAt: number, deleted = false): EntryState {
  return { key, ...(deleted ? {} : { value: value as never }), deleted, changedAt, changes: 1, changedBy: key }
}

function room(namespaces: Record<string, EntryState[]>): RoomState {
  return {
    docId: "room:lobby",
    members: new Map(),
    namespaces: new Map(Object.entries(namespaces).map(([name, entries]) => [name, new Map(entries.map(entry => [entry.key, entry]))])),
  }
}

describe("JSON typed into an editor", () => {
  it("parses valid JSON and says where invalid JSON breaks", () => {
    expect(parseJsonText(' {"x": 1} ')).toEqual({ ok: true, value: { x: 1 } })
    const broken = parseJsonText('{\n  "x": 1,\n}')
    expect(broken.ok).toBe(false)
    expect(!broken.ok && broken.error).toMatch(/^Invalid JSON at line 3, column 1: /)
    expect(parseJsonText("   ")).toMatchObject({ ok: false, error: expect.stringMatching(/Enter a JSON value/) })
    expect(parseJsonText("[1,")).toMatchObject({ ok: false, error: expect.stringMatching(/^Invalid JSON at /) })
  })
})

describe("shapes of real values", () => {
  it("learns required and optional fields and warns about differences", () => {
    const shape = inferShape([
      { name: "a", color: "#f00", away: true },
      { name: "b", color: "#0f0" },
    ])
    expect(shapeWarnings(shape, { name: "c", color: "#00f" })).toEqual([])
    expect(shapeWarnings(shape, { name: 3, extra: 1 })).toEqual([
      "value.color is missing (every real peer has it)",
      "value.name: a string in real peers' values, here a number",
      "value.extra is not in real peers' values",
    ])
    expect(shapeWarnings(shape, [1])).toEqual(["value: an object in real peers' values, here an array"])
  })

  it("accepts anything where real values disagree or were summarised, and warns about nothing without samples", () => {
    const shape = inferShape([
      { v: 1, blob: { $ephemera: "bytes", length: 3 } },
      { v: "one", blob: { $ephemera: "bytes", length: 4 } },
    ])
    expect(shapeWarnings(shape, { v: true, blob: [1, 2] })).toEqual([])
    expect(shapeWarnings(inferShape([]), { anything: 1 })).toEqual([])
  })

  it("caps the list of warnings", () => {
    const shape = inferShape([{}])
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`f${index}`, index]))
    const warnings = shapeWarnings(shape, many)
    expect(warnings).toHaveLength(9)
    expect(warnings.at(-1)).toBe("…and 12 more differences")
  })
})

describe("starting values from the room", () => {
  const lobby = room({
    presence: [
      entryState("1", { name: "alice", color: "#f00" }, 10),
      entryState("2", { name: "bob", color: "#00f", avatar: { $ephemera: "bytes" } }, 20),
      entryState("3", { name: "x" }, 30, true),
    ],
    cursor: [entryState("1", { x: 100, y: 50 }, 10), entryState("2", { x: 900, y: 700 }, 20), entryState("99", { x: 5000, y: 5000 }, 30)],
  })

  it("reads live real values, newest first, leaving out simulated peers and tombstones", () => {
    expect(realValues(lobby, "cursor", new Set(["99"]))).toEqual([
      { x: 900, y: 700 },
      { x: 100, y: 50 },
    ])
    expect(realValues(lobby, "presence", new Set())).toHaveLength(2)
    expect(realValues(lobby, "missing", new Set())).toEqual([])
  })

  it("templates a value with name and colour placeholders, positions as ranges, summaries as null", () => {
    expect(templateValue(realValues(lobby, "presence", new Set())[0])).toEqual({ name: "{{name}}", color: "{{color}}", avatar: null })
    expect(templateValue(undefined)).toEqual({})
    expect(templateValue(true)).toBe(true)
    expect(templateValue({ at: { x: 5, y: 6, label: "me" } }, { x: [0, 10], y: [20, 30] })).toEqual({
      at: { x: new Slot({ kind: "rand", min: 0, max: 10 }), y: new Slot({ kind: "rand", min: 20, max: 30 }), label: "me" },
    })
    // Only an x that comes with a y is a position.
    expect(templateValue({ x: 5 })).toEqual({ x: 5 })
  })

  it("derives random-walk bounds from the positions seen, widening a narrow range", () => {
    expect(walkDefaults(realValues(lobby, "cursor", new Set(["99"])))).toEqual({ bounds: { x: [100, 900], y: [50, 700] }, step: 8 })
    expect(walkDefaults([{ x: 50, y: 300 }])).toEqual({ bounds: { x: [0, 400], y: [100, 500] }, step: 4 })
    expect(walkDefaults([{ name: "no position" }])).toEqual({ bounds: { x: [0, 800], y: [0, 600] }, step: 8 })
  })
})

describe("behaviours", () => {
  it("defaults to a walk for positions, a toggle for flags, static otherwise", () => {
    expect(defaultBehaviour({ x: 1, y: 2 }, [{ x: 100, y: 100 }])).toMatchObject({ kind: "random-walk", rateHz: 10, xMin: 0, xMax: 400 })
    expect(defaultBehaviour({ typing: false }, [])).toMatchObject({ kind: "toggle", field: "typing", periodMs: 1500 })
    expect(defaultBehaviour({ name: "a" }, []).kind).toBe("static")
  })

  it("builds specs and reports each bad parameter on its own field", () => {
    const walk = defaultBehaviour({ x: 1, y: 2 }, [])
    expect(behaviourFromDraft(walk, { x: 1, y: 2 })).toEqual({
      ok: true,
      behaviour: { kind: "random-walk", rateHz: 10, step: 8, bounds: { x: [0, 800], y: [0, 600] } },
    })
    expect(behaviourFromDraft({ ...walk, rateHz: 0, step: null, xMin: 900 }, { x: 1, y: 2 })).toEqual({
      ok: false,
      errors: {
        rateHz: "Rate must be above 0 and at most 60 Hz",
        step: "Step must be above 0",
        bounds: "Each minimum must be at most its maximum",
      },
    })
    expect(behaviourFromDraft(walk, { name: "no x" })).toMatchObject({
      ok: false,
      errors: { bounds: expect.stringMatching(/"x" and "y"/) },
    })
    const toggle = defaultBehaviour({ typing: false }, [])
    expect(behaviourFromDraft({ ...toggle, periodMs: 5 }, { typing: false })).toMatchObject({
      ok: false,
      errors: { periodMs: expect.any(String) },
    })
    expect(behaviourFromDraft({ ...toggle, field: "name" }, { typing: false, name: "x" })).toMatchObject({
      ok: false,
      errors: { field: '"name" is not true/false' },
    })
    const frames = { ...walk, kind: "keyframes" as const, frames: '[{"at": 0, "value": 1}, {"at": 500, "value": 2}]' }
    expect(behaviourFromDraft(frames, 0)).toEqual({
      ok: true,
      behaviour: {
        kind: "keyframes",
        frames: [
          { at: 0, value: 1 },
          { at: 500, value: 2 },
        ],
        loop: true,
      },
    })
    expect(behaviourFromDraft({ ...frames, frames: '[{"at": -1, "value": 1}]' }, 0)).toMatchObject({
      ok: false,
      errors: { frames: expect.stringMatching(/Frame 1/) },
    })
    expect(behaviourFromDraft({ ...frames, frames: "[" }, 0)).toMatchObject({
      ok: false,
      errors: { frames: expect.stringMatching(/Invalid JSON/) },
    })
  })

  it("loads a live peer's behaviour back into a draft", () => {
    const spec = {
      kind: "random-walk" as const,
      rateHz: 30,
      step: 3,
      bounds: { x: [1, 2] as [number, number], y: [3, 4] as [number, number] },
    }
    expect(behaviourFromDraft(draftFromSpec(spec, { x: 1, y: 3 }, []), { x: 1, y: 3 })).toEqual({ ok: true, behaviour: spec })
  })
})

describe("requests from the form", () => {
  function form(overrides: Partial<PeerFormDraft> = {}): PeerFormDraft {
    return {
      name: "ghost",
      count: 3,
      visibility: "network",
      docId: "room:lobby",
      namespaces: [
        {
          namespace: "presence",
          included: true,
          text: '{"name": "{{name}}", "color": "{{color}}"}',
          behaviour: defaultBehaviour({ name: "" }, []),
        },
        { namespace: "cursor", included: true, text: '{"x": 10, "y": 20}', behaviour: defaultBehaviour({ x: 1, y: 1 }, []) },
        { namespace: "typing", included: false, text: "not json", behaviour: defaultBehaviour({}, []) },
      ],
      ...overrides,
    }
  }

  it("numbers names after those already taken, and fills placeholders per peer", () => {
    expect(peerNames("ghost", 1, ["ghost"])).toEqual(["ghost"])
    expect(peerNames(" ghost ", 3, ["ghost-2", "ghost-x", "other-9"])).toEqual(["ghost-3", "ghost-4", "ghost-5"])
    expect(peerColor(1)).not.toBe(peerColor(2))
  })

  it("builds one spec per peer from a valid form, leaving out unticked namespaces", () => {
    const check = checkForm(form(), new Map())
    expect(check.errors).toEqual({})
    const specs = buildPeerSpecs(form(), check.namespaces!, ["ghost-1"])
    expect(specs.map(spec => spec.name)).toEqual(["ghost-2", "ghost-3", "ghost-4"])
    expect(specs[0]).toEqual({
      name: "ghost-2",
      docId: "room:lobby",
      visibility: "network",
      namespaces: {
        presence: { value: { name: "ghost-2", color: peerColor(2) }, behaviour: { kind: "static" } },
        cursor: { value: { x: 10, y: 20 }, behaviour: { kind: "random-walk", rateHz: 10, step: 8, bounds: { x: [0, 800], y: [0, 600] } } },
      },
    })
  })

  it("reports every problem of a bad form, and shape warnings with their namespace", () => {
    const bad = form({ name: " ", count: 0, docId: undefined })
    bad.namespaces[1]!.text = '{"x": 1,'
    const check = checkForm(bad, new Map([["presence", inferShape([{ name: "a", color: "b" }])]]))
    expect(Object.keys(check.errors)).toEqual(["name", "count", "docId"])
    expect(check.byNamespace.cursor!.json).toMatch(/Invalid JSON/)
    expect(check.namespaces).toBeUndefined()

    const odd = form()
    odd.namespaces[0]!.text = '{"name": 5}'
    const warned = checkForm(odd, new Map([["presence", inferShape([{ name: "a", color: "b" }])]]))
    expect(warned.namespaces).toBeDefined()
    expect(warned.warnings).toEqual([
      "presence: value.color is missing (every real peer has it)",
      "presence: value.name: a string in real peers' values, here a number",
    ])
    expect(checkForm(form({ namespaces: [] }), new Map()).errors.namespaces).toMatch(/at least one namespace/)
  })

  it("patches only what changed, and deletes unticked namespaces", () => {
    const peer: SimulatedPeerInfo = {
      id: "7001",
      name: "ghost-2",
      docId: "room:lobby",
      visibility: "network",
      namespaces: {
        presence: { value: { name: "ghost-2", color: peerColor(2) }, behaviour: { kind: "static" } },
        typing: { value: { typing: true }, behaviour: { kind: "static" } },
      },
      paused: false,
      state: "live",
      channelId: 1,
      createdAt: 0,
    }
    const check = checkForm(form(), new Map(), true)
    expect(buildPatch(peer, check.namespaces!)).toEqual({
      namespaces: {
        cursor: { value: { x: 10, y: 20 }, behaviour: { kind: "random-walk", rateHz: 10, step: 8, bounds: { x: [0, 800], y: [0, 600] } } },
        typing: null,
      },
    })
  })
})
