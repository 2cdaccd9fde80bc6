import { afterEach, describe, expect, it, vi } from "vitest"
import type { BehaviourSpec, JsonValue, SimulatedPeerSpec } from "../../protocol/simulate"
import { advanceBehaviour, type BehaviourState, startBehaviour } from "../../injected/simulate/behaviours"
import { EngineClock } from "../../injected/simulate/clock"
import { generateSimulatedPeerId } from "../../injected/simulate/ids"
import { wrapMethod } from "../../injected/simulate/method-wrap"
import { SimulatedPeer } from "../../injected/simulate/simulated-peer"
import { validatePeerSpec } from "../../injected/simulate/spec-validation"
import { validatePeerId } from "@loro-extended/repo"

/** Values a behaviour publishes when looked at every `stepMs` for `untilMs`. */
function run(spec: BehaviourSpec, base: JsonValue, seed: number, stepMs: number, untilMs: number): JsonValue[] {
  let state: BehaviourState = startBehaviour(spec, base, seed)
  const values = [state.value]
  for (let index = 1; index * stepMs <= untilMs + 1e-9; index++) {
    const next = advanceBehaviour(spec, base, state, index * stepMs)
    if (next.value !== state.value) values.push(next.value)
    state = next
  }
  return values
}

const walk: BehaviourSpec = { kind: "random-walk", rateHz: 30, step: 25, bounds: { x: [0, 400], y: [100, 300] } }

describe("behaviours", () => {
  it("static never changes", () => {
    const base = { name: "Ada", color: "#f06" }
    const state = startBehaviour({ kind: "static" }, base, 1)
    expect(state.value).toBe(base)
    expect(advanceBehaviour({ kind: "static" }, base, state, 1e9)).toBe(state)
  })

  it("random walk: same seed, same path; stays in bounds; one value per step", () => {
    const base = { x: 200, y: 200, label: "kept" }
    const first = run(walk, base, 42, 1000 / 30, 2000)
    expect(run(walk, base, 42, 1000 / 30, 2000)).toEqual(first)
    expect(run(walk, base, 43, 1000 / 30, 2000)).not.toEqual(first)
    expect(first.length).toBeGreaterThanOrEqual(60)
    for (const value of first) {
      const { x, y, label } = value as { x: number; y: number; label: string }
      expect(label).toBe("kept")
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThanOrEqual(400)
      expect(y).toBeGreaterThanOrEqual(100)
      expect(y).toBeLessThanOrEqual(300)
    }
  })

  it("random walk: looking less often gives the same position at the same time", () => {
    const base = { x: 10, y: 150 }
    const everyStep = run(walk, base, 7, 1000 / 30, 1000)
    const everyThird = run(walk, base, 7, 100, 1000)
    expect(everyThird[everyThird.length - 1]).toEqual(everyStep[everyStep.length - 1])
  })

  it("toggle flips its field every period and keeps the others", () => {
    const spec: BehaviourSpec = { kind: "toggle", field: "typing", periodMs: 500 }
    const values = run(spec, { typing: false, who: "me" }, 1, 100, 2000)
    expect(values).toEqual([
      { typing: false, who: "me" },
      { typing: true, who: "me" },
      { typing: false, who: "me" },
      { typing: true, who: "me" },
      { typing: false, who: "me" },
    ])
  })

  it("keyframes play in order, hold the last value, and loop when asked", () => {
    const frames = [
      { at: 100, value: "a" },
      { at: 300, value: "b" },
    ]
    expect(run({ kind: "keyframes", frames }, "base", 1, 50, 1000)).toEqual(["base", "a", "b"])
    const looped = run({ kind: "keyframes", frames, loop: true, durationMs: 400 }, "base", 1, 50, 1000)
    // 0 base, 100 a, 300 b, (400 restart: still b until) 500 a, 700 b, 900 a
    expect(looped).toEqual(["base", "a", "b", "a", "b", "a"])
  })

  it("validation rejects what a behaviour cannot animate, with the field in the message", () => {
    const docExists = () => true
    const spec = (behaviour: unknown, value: unknown = { x: 0, y: 0 }) => ({
      name: "p",
      docId: "room:x",
      visibility: "local",
      namespaces: { cursor: { value, behaviour } },
    })
    expect(() => validatePeerSpec(spec({ ...walk, rateHz: 0 }), "peers[0]", docExists)).toThrow(
      "peers[0].namespaces.cursor.behaviour.rateHz",
    )
    expect(() => validatePeerSpec(spec(walk, 5), "peers[0]", docExists)).toThrow("random walk moves x/y of an object")
    expect(() => validatePeerSpec(spec({ kind: "toggle", field: "x", periodMs: 100 }), "peers[0]", docExists)).toThrow(
      'field "x" is not a boolean',
    )
    expect(() => validatePeerSpec(spec({ kind: "teleport" }), "peers[0]", docExists)).toThrow(".kind must be")
    const sorted = validatePeerSpec(
      spec({
        kind: "keyframes",
        frames: [
          { at: 200, value: 2 },
          { at: 100, value: 1 },
        ],
      }),
      "peers[0]",
      docExists,
    )
    const behaviour = sorted.namespaces.cursor!.behaviour
    expect(behaviour.kind === "keyframes" && behaviour.frames.map(frame => frame.at)).toEqual([100, 200])
  })
})

describe("engine clock", () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it("hands out strictly increasing timestamps within one millisecond", () => {
    vi.spyOn(Date, "now").mockReturnValue(1_800_000_000_000)
    const clock = new EngineClock()
    const stamps = Array.from({ length: 1000 }, () => clock.next())
    for (let index = 1; index < stamps.length; index++) expect(stamps[index]).toBeGreaterThan(stamps[index - 1]!)
    expect(stamps[0]).toBe(1_800_000_000_000)
  })

  it("moves past a timestamp seen in the app's store", () => {
    vi.spyOn(Date, "now").mockReturnValue(1_000)
    const clock = new EngineClock()
    clock.observe(5_000)
    expect(clock.next()).toBe(5_001)
  })
})

describe("simulated peer ids", () => {
  it("pass the repo's validatePeerId and avoid taken ids", () => {
    const taken = new Set<string>()
    for (let index = 0; index < 200; index++) {
      const id = generateSimulatedPeerId(candidate => taken.has(candidate))
      expect(() => validatePeerId(id)).not.toThrow()
      expect(taken.has(id)).toBe(false)
      taken.add(id)
    }
  })
})

describe("wrapMethod", () => {
  class Manager {
    calls: string[] = []
    send(value: string): number {
      this.calls.push(value)
      return 1
    }
  }

  it("restores an inherited method by identity, leaving no own property", () => {
    const manager = new Manager()
    const original = manager.send
    const wrap = wrapMethod(
      manager,
      "send",
      next =>
        function (this: Manager, value: string) {
          return next.call(this, value.toUpperCase())
        },
    )
    expect(manager.send("a")).toBe(1)
    expect(manager.calls).toEqual(["A"])
    wrap.dispose()
    expect(manager.send).toBe(original)
    expect(Object.hasOwn(manager, "send")).toBe(false)
  })

  it("stays a pass-through under a later wrapper, and leaves once that one is gone", () => {
    const manager = new Manager()
    const original = manager.send
    const ours = wrapMethod(
      manager,
      "send",
      next =>
        function (this: Manager, value: string) {
          return next.call(this, `ours(${value})`)
        },
    )
    const oursInstalled = manager.send
    const theirs = manager.send
    manager.send = function (this: Manager, value: string) {
      return theirs.call(this, `theirs(${value})`)
    }
    ours.dispose()
    manager.send("x")
    expect(manager.calls).toEqual(["theirs(x)"])
    // They restore what they found: our (now pass-through) wrapper.
    manager.send = oursInstalled
    manager.send("y")
    expect(manager.calls).toEqual(["theirs(x)", "y"])
    expect(manager.send).toBe(original)
  })
})

describe("a simulated peer's behaviours", () => {
  it("wait until the value they start from is written: a replay shows its starting state first", () => {
    const spec: SimulatedPeerSpec = {
      name: "replayed",
      docId: "room:lobby",
      visibility: "local",
      namespaces: {
        cursor: { value: { x: 1, y: 1 }, behaviour: { kind: "keyframes", frames: [{ at: 1, value: { x: 2, y: 2 } }] } },
      },
    }
    const peer = new SimulatedPeer("1099511627777", 1_000_000_007, spec, 0)
    peer.state = "live"
    // The next keyframe is long due, but the starting value has not reached the repo yet.
    expect(peer.advance(50, 0)).toBe(false)
    expect(peer.valueOf("cursor")).toEqual({ x: 1, y: 1 })
    // Written (as the writer's flush does): the behaviour moves on to where it should be by now.
    peer.unstarted.delete("cursor")
    expect(peer.advance(50, 0)).toBe(true)
    expect(peer.valueOf("cursor")).toEqual({ x: 2, y: 2 })
  })
})
