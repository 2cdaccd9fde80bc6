import { describe, expect, it } from "vitest"
import type { HookEvent, ModelSnapshot } from "../../protocol/messages"
import {
  appendToLog,
  clearLog,
  emptyLog,
  logEvents,
  LOG_CHUNK_SIZE,
  MAX_LOG_CAPACITY,
  MIN_LOG_CAPACITY,
  recordAt,
  setLogCapacity,
  setLogPaused,
  type EventLog,
  type ObservedEvent,
} from "../../devtools-panel/state/event-log"

const MODEL: ModelSnapshot = {
  identity: { peerId: "1", type: "user" },
  peers: [],
  channels: [{ channelId: 2, type: "established", kind: "network", adapterType: "ws", peerId: "9" }],
  documents: [],
}

const emitter = (t: number): ObservedEvent => ({
  event: { kind: "emitter", id: t, repoId: "r", t, name: "ready-state-changed", data: null },
  model: MODEL,
  label: "app",
})
const frameIn = (t: number, size = 10): ObservedEvent => ({
  event: {
    kind: "channel-in",
    id: t,
    repoId: "r",
    t,
    channelId: 2,
    peerId: "9",
    msgType: "channel/ephemeral",
    size,
    message: { type: "channel/ephemeral" },
  },
  model: MODEL,
  label: "app",
})

function times(log: EventLog): number[] {
  return logEvents(log).map(event => event.t)
}

function append(log: EventLog, from: number, count: number): EventLog {
  return appendToLog(
    log,
    Array.from({ length: count }, (_, i) => emitter(from + i)),
  )
}

describe("event log ring buffer", () => {
  it("keeps the newest events up to its capacity across chunks, counting what it evicted", () => {
    let log = emptyLog(LOG_CHUNK_SIZE + 10)
    for (let i = 0; i < 5; i++) log = append(log, i * 700, 700)
    expect(log.total).toBe(3500)
    expect(log.size).toBe(LOG_CHUNK_SIZE + 10)
    expect(log.evicted).toBe(3500 - LOG_CHUNK_SIZE - 10)
    const kept = times(log)
    expect(kept).toHaveLength(LOG_CHUNK_SIZE + 10)
    expect(kept.at(-1)).toBe(3499)
    expect(kept[0]).toBe(3500 - LOG_CHUNK_SIZE - 10)
    // Whole chunks leave the directory: at most one partly evicted chunk is held.
    expect(log.chunks.length).toBeLessThanOrEqual(3)
  })

  it("finds records by sequence number in O(1), with their facets and the model they were seen with", () => {
    const log = append(emptyLog(100), 0, 50)
    expect(recordAt(log, 49)?.event.t).toBe(49)
    expect(recordAt(log, 50)).toBeUndefined()
    expect(recordAt(log, -1)).toBeUndefined()
    const record = recordAt(appendToLog(log, [frameIn(99)]), 50)!
    expect(record).toMatchObject({
      seq: 50,
      model: MODEL,
      facets: { label: "app", direction: "in", channelIds: [2], peerIds: ["9"], bytes: 10 },
    })
  })

  it("never changes an earlier version, even when two versions are appended from the same one", () => {
    const first = append(emptyLog(10), 1, 1)
    const second = append(first, 2, 1)
    const branch = append(first, 3, 2)
    expect(times(first)).toEqual([1])
    expect(times(second)).toEqual([1, 2])
    expect(times(branch)).toEqual([1, 3, 4])
  })

  it("pauses recording: events are counted as not recorded, and rates keep counting", () => {
    let log = append(emptyLog(100), 0, 3)
    log = setLogPaused(log, true)
    log = appendToLog(log, [frameIn(1_000, 40), frameIn(1_100, 60)])
    expect(log.size).toBe(3)
    expect(log.notRecorded).toBe(2)
    expect([...log.traffic.values()].map(series => series.scope).sort()).toEqual(["channel", "peer"])
    log = appendToLog(setLogPaused(log, false), [frameIn(1_200)])
    expect(log.size).toBe(4)
    expect(log.notRecorded).toBe(2)
  })

  it("clears: empty, new generation, counters reset, sequence numbers go on and stay aligned", () => {
    let log = append(emptyLog(5_000), 0, 1_500)
    log = clearLog(setLogPaused(appendToLog(setLogPaused(log, true), [emitter(1)]), false))
    expect(log).toMatchObject({ size: 0, start: 1_500, end: 1_500, evicted: 0, notRecorded: 0, generation: 1 })
    log = append(log, 2_000, 700)
    expect(log.size).toBe(700)
    expect(recordAt(log, 1_500)?.event.t).toBe(2_000)
    expect(recordAt(log, 2_199)?.event.t).toBe(2_699)
    expect(times(log)).toEqual(Array.from({ length: 700 }, (_, i) => 2_000 + i))
  })

  it("resizes: shrinking evicts the oldest at once; the size is clamped to sane bounds", () => {
    let log = append(emptyLog(1_000), 0, 800)
    log = setLogCapacity(log, 100)
    expect(log.size).toBe(100)
    expect(log.evicted).toBe(700)
    expect(times(log)[0]).toBe(700)
    expect(setLogCapacity(log, 0).capacity).toBe(MIN_LOG_CAPACITY)
    expect(setLogCapacity(log, 1e12).capacity).toBe(MAX_LOG_CAPACITY)
    expect(setLogCapacity(log, 100)).toBe(log)
  })

  it("records every kind of event the hook reports", () => {
    const kinds: HookEvent[] = [
      { kind: "sync-message", id: 1, repoId: "r", t: 1, msgType: "synchronizer/heartbeat", message: {}, commands: [], delta: {} },
      { kind: "store", id: 2, repoId: "r", t: 2, docId: "d", namespace: "presence", by: "local", entries: [] },
      { kind: "store-created", id: 3, repoId: "r", t: 3, docId: "d", namespace: "cursor" },
    ]
    const log = appendToLog(
      emptyLog(10),
      kinds.map(event => ({ event, model: MODEL, label: "app" })),
    )
    expect(logEvents(log).map(event => event.kind)).toEqual(["sync-message", "store", "store-created"])
  })
})
