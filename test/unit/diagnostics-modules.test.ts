/**
 * The diagnostics' parts on their own: the engine fed with plain diagnostic
 * events (what a panel-side replica of the store would produce instead of
 * the hook's read-back), the panel source's handling of reloads and repeated
 * batches, the findings book, and the entry count read from hex.
 */
import { describe, expect, it } from "vitest"
import { DiagnosticsEngine } from "../../devtools-panel/diagnostics/engine"
import type { FindingDraft } from "../../devtools-panel/diagnostics/finding"
import { FindingsBook } from "../../devtools-panel/diagnostics/findings-book"
import type { CarriedPayload, DiagnosticEvent } from "../../devtools-panel/diagnostics/input"
import { PanelEventSource } from "../../devtools-panel/diagnostics/panel-source"
import { leadingCount } from "../../devtools-panel/wire/frame-counts"
import { bytesToHex } from "../../codec/hex"
import { encodeEphemeralEntries } from "../../codec/loro-ephemeral/ephemeral-encoder"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { Diagnostics } from "../../devtools-panel/ui/diagnostics.svelte"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { T0, batch, events, hello, pageStatus, registered, repoInfo, store, storeEvent, entry } from "../component/fixtures/messages"

const DOC = "room:lobby"

function payload(sender: string, entries: Array<{ key: string; value: { x: number }; timestamp: number }>): CarriedPayload {
  return {
    docId: DOC,
    namespace: "cursor",
    sender,
    hops: 0,
    count: entries.length,
    entries: () => entries.map(item => ({ key: item.key, timestamp: item.timestamp, deleted: false, value: () => item.value })),
  }
}

describe("the engine on plain diagnostic events", () => {
  it("finds a lost update from events no hook produced", () => {
    const engine = new DiagnosticsEngine()
    const stream: DiagnosticEvent[] = [
      {
        type: "repo",
        t: T0,
        repo: { repoId: "bob", peerId: "2", label: "bob" },
        channels: [],
        peers: [],
        stores: [{ docId: DOC, namespace: "cursor", entries: [{ key: "1", value: { x: 1 }, deleted: false, timestamp: T0 }] }],
      },
      {
        type: "frame-in",
        t: T0 + 5,
        repoId: "bob",
        eventId: 7,
        channelId: 1,
        channelPeer: "9",
        messages: 1,
        payloads: [payload("1", [{ key: "1", value: { x: 2 }, timestamp: T0 }])],
      },
    ]
    engine.ingest(stream)
    expect(engine.book.list().map(finding => [finding.kind, finding.repoId, finding.key])).toEqual([["lost-update", "bob", "1"]])
  })

  it("judges a repo only by its own library's rules: the same stream on automerge-repo raises nothing", () => {
    const engine = new DiagnosticsEngine()
    const stream: DiagnosticEvent[] = [
      {
        type: "repo",
        t: T0,
        repo: { repoId: "bob", peerId: "2", label: "bob", library: "automerge-repo" },
        channels: [],
        peers: [],
        stores: [{ docId: DOC, namespace: "cursor", entries: [{ key: "1", value: { x: 1 }, deleted: false, timestamp: T0 }] }],
      },
      {
        type: "frame-in",
        t: T0 + 5,
        repoId: "bob",
        eventId: 7,
        channelId: 1,
        channelPeer: "9",
        messages: 1,
        payloads: [payload("1", [{ key: "1", value: { x: 2 }, timestamp: T0 }])],
      },
    ]
    engine.ingest(stream)
    expect(engine.book.list()).toEqual([])
  })

  it("counts one lost update once, however many frames re-offer the refused write", () => {
    const engine = new DiagnosticsEngine()
    const offer = (t: number, stamp: number): DiagnosticEvent => ({
      type: "frame-in",
      t,
      repoId: "bob",
      eventId: t,
      channelId: 1,
      channelPeer: "9",
      messages: 1,
      payloads: [payload("1", [{ key: "1", value: { x: 2 }, timestamp: stamp }])],
    })
    const hold = (stamp: number): DiagnosticEvent => ({
      type: "store",
      t: stamp,
      repoId: "bob",
      eventId: stamp,
      docId: DOC,
      namespace: "cursor",
      by: "import",
      entries: [{ key: "1", value: { x: 1 }, deleted: false, timestamp: stamp }],
    })
    engine.ingest([
      {
        type: "repo",
        t: T0,
        repo: { repoId: "bob", peerId: "2", label: "bob" },
        channels: [],
        peers: [],
        stores: [{ docId: DOC, namespace: "cursor", entries: [{ key: "1", value: { x: 1 }, deleted: false, timestamp: T0 }] }],
      },
      offer(T0 + 5, T0),
      offer(T0 + 6, T0),
      offer(T0 + 7, T0),
    ])
    expect(engine.book.list().map(finding => finding.count)).toEqual([1])
    // A second burst, later: another loss.
    engine.ingest([hold(T0 + 100), offer(T0 + 105, T0 + 100)])
    expect(engine.book.list().map(finding => finding.count)).toEqual([2])
  })

  it("applies new thresholds from the next event on", () => {
    const engine = new DiagnosticsEngine({ skewToleranceMs: 10_000 })
    const frame = (t: number): DiagnosticEvent => ({
      type: "frame-in",
      t,
      repoId: "a",
      eventId: t,
      channelId: 1,
      messages: 1,
      payloads: [payload("2", [{ key: "2", value: { x: 1 }, timestamp: T0 + 5_000 }])],
    })
    engine.ingest([{ type: "repo", t: T0, repo: { repoId: "a", peerId: "1", label: "a" }, channels: [], peers: [], stores: [] }, frame(T0)])
    expect(engine.book.size).toBe(0)
    engine.configure({ skewToleranceMs: 1_000 })
    engine.ingest([frame(T0 + 1)])
    expect(engine.book.list().map(finding => finding.kind)).toEqual(["clock-skew"])
  })
})

describe("panel source", () => {
  it("turns the old page's repos gone when a new hook says hello, and sees a repeated batch once", () => {
    const source = new PanelEventSource()
    const types = (list: DiagnosticEvent[]) => list.map(event => event.type)
    expect(types(source.eventsOf(pageStatus(true), T0))).toEqual([])
    expect(types(source.eventsOf(batch(1, hello(), registered(repoInfo())), T0))).toEqual(["repo"])
    const change = batch(2, events("r1", storeEvent("r1", DOC, "cursor", "local", [entry("100", { x: 1 }, T0 + 1)], T0 + 1)))
    expect(types(source.eventsOf(change, T0 + 1))).toEqual(["store"])
    expect(types(source.eventsOf(change, T0 + 2))).toEqual([])
    expect(source.eventsOf(batch(0, hello(undefined, undefined, "hook-2")), T0 + 3)).toEqual([
      { type: "repo-gone", t: T0 + 3, repoId: "r1" },
    ])
  })
})

describe("findings book", () => {
  const draft = (t: number, eventId: number): FindingDraft => ({
    id: "x",
    kind: "clock-skew",
    severity: "warning",
    t,
    summary: [`at ${t}`],
    why: "",
    fix: "",
    repoId: "r",
    repoLabel: "r",
    peers: [],
    evidence: [{ kind: "event", label: "e", repoId: "r", eventId, t }],
  })

  it("counts repeats on one finding with the latest words, and keeps the first and latest evidence", () => {
    const book = new FindingsBook()
    for (let i = 0; i < 20; i++) book.raise(draft(T0 + i, i))
    const [finding] = book.list()
    expect(finding).toMatchObject({ count: 20, firstAt: T0, lastAt: T0 + 19, summary: [`at ${T0 + 19}`] })
    expect(finding!.evidence.map(e => (e.kind === "event" ? e.eventId : -1))).toEqual([0, 1, 2, 3, 4, 15, 16, 17, 18, 19])
    expect(book.counts()).toEqual({ error: 0, warning: 1, info: 0 })
  })

  it("ends a finding, opens it again when it happens again, and empties on clear", () => {
    const book = new FindingsBook()
    book.raise(draft(T0, 1))
    book.end("x", T0 + 5)
    expect(book.get("x")!.endedAt).toBe(T0 + 5)
    book.raise(draft(T0 + 9, 2))
    expect(book.get("x")!.endedAt).toBeUndefined()
    const version = book.version
    book.clear()
    expect(book.size).toBe(0)
    expect(book.version).toBeGreaterThan(version)
  })
})

describe("entry counts", () => {
  it("reads an encoding's entry count from its hex, including counts past one byte", () => {
    for (const count of [0, 1, 3, 127, 128, 300]) {
      const entries = Array.from({ length: count }, (_, i) => ({ key: String(i), value: i, timestamp: T0 }))
      expect(leadingCount(bytesToHex(encodeEphemeralEntries(entries)))).toBe(count)
    }
    expect(leadingCount("zz")).toBe(0)
  })
})

describe("diagnostics in the panel", () => {
  /** A page whose own cursor is overwritten by an import: one finding's worth of messages. */
  function deliverOverwrite(transport: MemoryTransport): void {
    transport.deliver(
      pageStatus(true),
      batch(1, hello(), registered(repoInfo(), { stores: [store(DOC, "cursor", [entry("100", { x: 2 }, T0)])] })),
      batch(2, events("r1", storeEvent("r1", DOC, "cursor", "import", [entry("100", { x: 1 }, T0 + 5)], T0 + 5))),
    )
  }

  it("run the detectors in a task of their own, after the store has applied the messages", () => {
    const transport = new MemoryTransport()
    const panelStore = new PanelStore(transport, { schedule: () => {}, now: () => T0 })
    const tasks: Array<() => void> = []
    const diagnostics = new Diagnostics(panelStore, { schedule: run => tasks.push(run) })
    deliverOverwrite(transport)
    panelStore.flush()
    expect(panelStore.state.repos.size).toBe(1)
    expect(diagnostics.findings).toEqual([])
    expect(tasks).toHaveLength(1)
    tasks[0]!()
    expect(diagnostics.findings.map(finding => finding.kind)).toEqual(["own-key-overwritten"])
    expect(diagnostics.counts).toEqual({ error: 1, warning: 0, info: 0 })
  })

  it("watch nothing when off (the benchmark's baseline)", () => {
    const transport = new MemoryTransport()
    const panelStore = new PanelStore(transport, { schedule: () => {}, now: () => T0 })
    const tasks: Array<() => void> = []
    const diagnostics = new Diagnostics(panelStore, { enabled: false, schedule: run => tasks.push(run) })
    deliverOverwrite(transport)
    panelStore.flush()
    diagnostics.refresh()
    expect(tasks).toEqual([])
    expect(diagnostics.findings).toEqual([])
  })
})
