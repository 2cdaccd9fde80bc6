import { describe, expect, it } from "vitest"
import type { HookEvent, ModelSnapshot } from "../../protocol/messages"
import { narrows, NO_FILTER, type LogFilter } from "../../devtools-panel/log/filter"
import { FilteredIndex, rowId, rowSeq, rowSub } from "../../devtools-panel/log/filtered-index"
import { listWindow, MAX_SPACER_PX, revealRow } from "../../devtools-panel/log/list-window"
import { appendToLog, clearLog, emptyLog, setLogCapacity, type EventLog } from "../../devtools-panel/state/event-log"

const MODEL: ModelSnapshot = { identity: { peerId: "1", type: "user" }, peers: [], channels: [], documents: [] }

function event(id: number, kind: "emitter" | "sync-message" = "emitter", name = "ready-state-changed"): HookEvent {
  if (kind === "sync-message") {
    return {
      kind,
      id,
      repoId: "r",
      t: id,
      msgType: "synchronizer/ephemeral-local-change",
      message: { docId: "d" },
      delta: {},
      commands: [
        { type: "cmd/batch", depth: 0 },
        { type: "cmd/emit-ephemeral-change", depth: 1 },
      ],
    }
  }
  return { kind, id, repoId: "r", t: id, name, data: { docId: "d" } }
}

function append(log: EventLog, events: HookEvent[]): EventLog {
  return appendToLog(
    log,
    events.map(e => ({ event: e, model: MODEL, label: "app" })),
  )
}

function rows(index: FilteredIndex): number[] {
  return Array.from({ length: index.count }, (_, i) => index.rowAt(i)!)
}

const only = (patch: Partial<LogFilter>): LogFilter => ({ ...NO_FILTER, ...patch })

describe("filtered index", () => {
  it("tests each new record once, as the log grows", () => {
    const index = new FilteredIndex(only({ search: "tick" }), false)
    let log = append(emptyLog(100), [event(1, "emitter", "tick"), event(2, "emitter", "tock")])
    expect(index.update(log)).toEqual({ changed: true, done: true })
    expect(rows(index)).toEqual([rowId(0)])
    log = append(log, [event(3, "emitter", "tock")])
    expect(index.update(log)).toEqual({ changed: false, done: true })
    log = append(log, [event(4, "emitter", "tick")])
    index.update(log)
    expect(rows(index).map(rowSeq)).toEqual([0, 3])
    expect(index.events).toBe(2)
  })

  it("drops evicted rows from the front and starts over after a clear", () => {
    const index = new FilteredIndex(NO_FILTER, false)
    let log = append(
      emptyLog(1000),
      Array.from({ length: 50 }, (_, i) => event(i)),
    )
    index.update(log)
    log = setLogCapacity(log, 20)
    expect(index.update(log).changed).toBe(true)
    expect(index.count).toBe(20)
    expect(rowSeq(index.rowAt(0)!)).toBe(30)
    log = append(clearLog(log), [event(99)])
    index.update(log)
    expect(rows(index).map(rowSeq)).toEqual([50])
  })

  it("lists a message's commands as rows of their own under it, found by binary search", () => {
    const index = new FilteredIndex(NO_FILTER, true)
    const log = append(emptyLog(100), [event(1), event(2, "sync-message"), event(3)])
    index.update(log)
    expect(rows(index).map(row => [rowSeq(row), rowSub(row)])).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
    ])
    expect(index.events).toBe(3)
    expect(index.indexOf(rowId(1, 2))).toBe(3)
    expect(index.indexOf(rowId(1, 7))).toBe(-1)
    expect(index.lowerBound(rowId(1, 7))).toBe(4)
  })

  it("rescans a large buffer in slices when the budget runs out, and finishes where it stopped", () => {
    const log = append(
      emptyLog(10_000),
      Array.from({ length: 5_000 }, (_, i) => event(i)),
    )
    const index = new FilteredIndex(only({ search: "ready" }), false)
    let checks = 0
    const first = index.update(log, () => ++checks > 3)
    expect(first.done).toBe(false)
    expect(index.pending(log)).toBeGreaterThan(0)
    expect(index.count).toBeLessThan(5_000)
    expect(index.update(log).done).toBe(true)
    expect(index.count).toBe(5_000)
    expect(rows(index)).toEqual(Array.from({ length: 5_000 }, (_, i) => rowId(i)))
  })

  it("narrowing the search tests only the previous matches and what was not scanned yet, and finds the same rows", () => {
    const names = ["alice", "alina", "bob", "alfred"]
    let log = append(
      emptyLog(10_000),
      Array.from({ length: 4_000 }, (_, i) => event(i, "emitter", names[i % names.length])),
    )
    const broad = new FilteredIndex(only({ search: "al" }), false)
    // Stopped half-way: the narrower index must still scan the rest itself.
    let checks = 0
    expect(broad.update(log, () => ++checks > 20).done).toBe(false)
    log = append(log, [event(5_000, "emitter", "alice")])
    const narrow = new FilteredIndex(only({ search: "ali" }), false, broad)
    // Narrower still, before the first one finished its candidates.
    checks = 0
    expect(narrow.update(log, () => ++checks > 5).done).toBe(false)
    const narrowest = new FilteredIndex(only({ search: "alic" }), false, narrow)
    expect(narrowest.update(log).done).toBe(true)
    const fresh = new FilteredIndex(only({ search: "alic" }), false)
    fresh.update(log)
    expect(rows(narrowest)).toEqual(rows(fresh))
    expect(narrowest.count).toBe(1_001)
    expect(narrowest.tested).toBeLessThan(fresh.tested)
    // A wider search or another facet is not a narrowing: a fresh index is right there.
    expect(narrows(only({ search: "al" }), only({ search: "ali" }))).toBe(false)
    expect(narrows(only({ search: "ali", repoId: "r" }), only({ search: "al" }))).toBe(true)
    expect(narrows(only({ search: "ali" }), only({ search: "al", repoId: "r" }))).toBe(false)
    expect(narrows(only({ kinds: new Set(["store"] as const) }), NO_FILTER)).toBe(true)
    expect(narrows(NO_FILTER, only({ kinds: new Set(["store"] as const) }))).toBe(false)
  })

  it("keeps its memory bounded as 100,000 events stream through a full buffer", () => {
    const index = new FilteredIndex(NO_FILTER, false)
    let log = emptyLog(1_000)
    for (let batch = 0; batch < 100; batch++) {
      log = append(
        log,
        Array.from({ length: 1_000 }, (_, i) => event(batch * 1_000 + i)),
      )
      index.update(log)
    }
    expect(index.count).toBe(1_000)
    expect(rowSeq(index.rowAt(0)!)).toBe(99_000)
  })
})

describe("list window", () => {
  it("renders only the rows in view (plus overscan)", () => {
    const view = listWindow(100_000, 20, 50_000, 600, 5)
    expect(view.first).toBe(2_500 - 5)
    expect(view.end).toBe(2_530 + 5)
    expect(view.spacer).toBe(2_000_000)
    expect(view.top(2_500)).toBe(50_000)
  })

  it("scales a list taller than the browser allows, reaching the last row at the bottom", () => {
    const count = 2_000_000
    const bottom = listWindow(count, 20, MAX_SPACER_PX - 600, 600, 0)
    expect(bottom.spacer).toBe(MAX_SPACER_PX)
    expect(bottom.end).toBe(count)
    expect(bottom.top(count - 1) + 20).toBeCloseTo(MAX_SPACER_PX, 0)
    const top = listWindow(count, 20, 0, 600, 0)
    expect(top.first).toBe(0)
  })

  it("reveals a row with the least scrolling", () => {
    expect(revealRow(10, 1_000, 20, 0, 600)).toBe(0)
    expect(revealRow(40, 1_000, 20, 0, 600)).toBe(40 * 20 + 20 - 600)
    expect(revealRow(5, 1_000, 20, 400, 600)).toBe(100)
  })
})
