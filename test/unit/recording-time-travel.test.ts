import { describe, expect, it } from "vitest"
import { markersOf, densityOf } from "../../devtools-panel/recording/markers"
import { cutMessage, indexSteps, positionAtTime, stepAt, stepsIn, timeAt } from "../../devtools-panel/recording/steps"
import { TimeTravel } from "../../devtools-panel/recording/time-travel"
import { apply } from "../../devtools-panel/state/apply"
import { logEvents } from "../../devtools-panel/state/event-log"
import { DEFAULT_LOG_CAPACITY } from "../../devtools-panel/state/panel-state"
import type { HookEvent } from "../../protocol/messages"
import { snapshotOf } from "../../devtools-panel/state/snapshot"
import { generateRecording } from "../../bench/recording-generator"
import { T0, batch, events, hello, storeEvent } from "../component/fixtures/messages"
import { DOC, runSession } from "./recording-fixtures"

describe("steps", () => {
  it("counts every hook event as a step and every other message as one", () => {
    const message = batch(
      1,
      hello(),
      events("r1"),
      events("r1", storeEvent("r1", DOC, "cursor", "import", [], T0), storeEvent("r1", DOC, "cursor", "import", [], T0)),
      { type: "hook/pong", nonce: "n" },
    )
    expect(stepsIn(message)).toBe(4)
    expect(stepsIn({ type: "background/page-status", connected: true })).toBe(1)
    const cut = cutMessage(message, 2)
    expect(
      cut.type === "background/page-batch" && cut.batch.messages.map(m => (m.type === "repo/events" ? m.events.length : m.type)),
    ).toEqual(["hook/hello", 0, 1])
    expect(cutMessage(message, 4)).toEqual(message)
  })
})

describe("time travel", () => {
  const { recording, live } = runSession()

  it("gives the state after exactly p steps, whatever the order of seeks", async () => {
    const travel = await TimeTravel.build(indexSteps(recording))
    const { index } = travel
    // Reference: every prefix applied from the opening state, step by step.
    const expected = [snapshotOf(travel.baseline)]
    let state = travel.baseline
    index.records.forEach(({ message, t }, r) => {
      const steps = stepsIn(message)
      for (let keep = 1; keep <= steps; keep++) expected.push(snapshotOf(apply(state, cutMessage(message, keep), t)))
      state = apply(state, message, t)
      expect(snapshotOf(state)).toEqual(snapshotOf(live[r]!))
    })
    expect(expected).toHaveLength(index.total + 1)
    const order = [...expected.keys()].sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13) || b - a)
    for (const position of order) expect(snapshotOf(travel.stateAt(position)), `position ${position}`).toEqual(expected[position])
    // Stepping back inside a message gives the cut state, then forward again the whole one.
    const r = 2
    const inside = index.firstStep[r]! + 1
    expect(snapshotOf(travel.stateAt(inside))).toEqual(expected[inside])
    expect(snapshotOf(travel.stateAt(index.firstStep[r + 1]!))).toEqual(snapshotOf(live[r]!))
  })

  it("names the step at each position and maps time to positions", async () => {
    const index = indexSteps(recording)
    expect(stepAt(index, 0)).toBeUndefined()
    const first = stepAt(index, 1)
    expect(first).toMatchObject({ kind: "event", event: { kind: "channel-in" }, t: T0 + 100 })
    expect(stepAt(index, index.total)).toMatchObject({ kind: "event", event: { kind: "store", docId: DOC } })
    expect(positionAtTime(index, T0)).toBe(0)
    expect(positionAtTime(index, T0 + 100)).toBe(2)
    expect(positionAtTime(index, T0 + 10_000)).toBe(index.total)
    expect(timeAt(index, 3)).toBe(T0 + 150)
    // The user's mark sits after everything recorded before it.
    expect(index.marks).toEqual([{ position: index.firstStep[3], t: T0 + 200, label: "carol moved" }])
  })

  it("marks joins, leaves, page loads and registrations, and counts density", () => {
    const index = indexSteps(recording)
    const markers = markersOf(index).map(marker => [marker.kind, marker.label])
    expect(markers).toEqual([
      ["join", "carol joined"],
      ["mark", "carol moved"],
      ["leave", "bob left"],
      ["page", "Page loaded: http://127.0.0.1:4173/app"],
      ["repo", "alice registered"],
    ])
    expect(markersOf(index).find(marker => marker.kind === "leave")!.position).toBe(index.firstStep[5]! + 4)
    const density = densityOf(index, 10)
    expect(density.reduce((a, b) => a + b, 0)).toBe(index.total)
  })

  it("keeps the event log in step with the cursor", async () => {
    const travel = await TimeTravel.build(indexSteps(recording))
    const ids = (position: number) => logEvents(travel.stateAt(position).log).map(event => event.id)
    const all = ids(travel.index.total)
    expect(all.length).toBeGreaterThan(0)
    const step = stepAt(travel.index, 1)
    expect(step?.kind === "event" && ids(1)).toEqual([step?.kind === "event" ? step.event.id : -1])
    expect(ids(0)).toEqual([])
  })

  it("keeps every event of a recording in its log, beyond the live log's capacity", async () => {
    const [checkpoint] = recording.lines
    const perBatch = 2_000
    const batches = Math.ceil((DEFAULT_LOG_CAPACITY + 1) / perBatch)
    const heartbeat = (id: number): HookEvent => ({
      kind: "emitter",
      id,
      repoId: "r1",
      t: T0 + 100,
      name: "ready-state-changed",
      data: { docId: DOC },
    })
    const lines = Array.from({ length: batches }, (_, b) => ({
      kind: "message" as const,
      t: T0 + 100 + b,
      message: batch(100 + b, events("r1", ...Array.from({ length: perBatch }, (_, i) => heartbeat(b * perBatch + i)))),
    }))
    const travel = await TimeTravel.build(indexSteps({ meta: recording.meta, lines: [checkpoint!, ...lines] }))
    const log = travel.final.log
    expect(log.size).toBe(batches * perBatch)
    expect(log.size).toBeGreaterThan(DEFAULT_LOG_CAPACITY)
    expect(log.evicted).toBe(0)
  })

  it("seeks a generated 20,000-event recording to the same state in any order", async () => {
    // How fast it opens and seeks is the bench's to say (figure 5); here: that
    // a seek lands on the same state whether it comes from the cache of the
    // last seek or from a checkpoint, in a recording large enough for both.
    const big = generateRecording(20_000)
    const forward = await TimeTravel.build(indexSteps(big))
    const backward = await TimeTravel.build(indexSteps(big))
    const total = forward.index.total
    expect(total).toBeGreaterThan(20_000)
    const positions = Array.from({ length: 40 }, (_, i) => (i * 7_919) % total).sort((a, b) => a - b)
    const seen = positions.map(p => snapshotOf(forward.stateAt(p)))
    for (let i = positions.length - 1; i >= 0; i--) {
      expect(snapshotOf(backward.stateAt(positions[i]!)), `position ${positions[i]}`).toEqual(seen[i])
    }
    const logSizes = positions.map(p => forward.stateAt(p).log.size)
    expect(logSizes).toEqual([...logSizes].sort((a, b) => a - b))
    expect(logSizes.at(-1)).toBeGreaterThan(logSizes[0]!)
  })
})
