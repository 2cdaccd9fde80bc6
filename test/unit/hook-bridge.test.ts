/**
 * The batching bridge on its own: who it listens to, what it posts, when,
 * and how it stays within bounds. Events are hand-made here; the taps that
 * produce real ones are covered in hook-taps.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest"
import { BATCH_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, PROTOCOL_VERSION, type HookToPanelMessage } from "../../protocol/messages"
import { checkHookToRelay } from "../../protocol/validate"
import { HookBridge, type BridgeLimits } from "../../injected/bridge/bridge"
import { memoryTransport, type MemoryTransport } from "../../injected/bridge/memory-transport"

interface Harness {
  bridge: HookBridge
  transport: MemoryTransport
  announced: number
  commands: string[]
  relay(message: unknown): void
  /** Flushes, checks every envelope like the relay does, returns all messages so far. */
  messages(): HookToPanelMessage[]
}

const harnesses: Harness[] = []
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.bridge.dispose()
})

function harness(limits?: Partial<BridgeLimits>): Harness {
  const transport = memoryTransport()
  const state = { announced: 0 }
  const commands: string[] = []
  const bridge = new HookBridge({
    transport,
    hookVersion: "test",
    url: () => "http://app.test/",
    handlers: {
      announceRepos: () => {
        state.announced++
        bridge.send({ type: "repo/unregistered", repoId: "announce-marker", reason: "test" })
      },
      snapshotRepos: () => [],
      attachPath: () => void commands.push("attach/path"),
      scan: () => void commands.push("discovery/scan"),
    },
    ...(limits ? { limits } : {}),
  })
  const result: Harness = {
    bridge,
    transport,
    get announced() {
      return state.announced
    },
    commands,
    relay: message => transport.deliver(message),
    messages() {
      bridge.flush()
      transport.posted.forEach((batch, index) => {
        expect(checkHookToRelay(batch)).toEqual({ ok: true, value: batch })
        expect(batch.seq).toBe(transport.posted[0]!.seq + index)
      })
      return transport.messages()
    },
  }
  harnesses.push(result)
  return result
}

/** Records an emitter event named `name` through the bridge. */
function emit(h: Harness, repoId: string, name: string, data: unknown = { n: name }): void {
  h.bridge.event(repoId, "emitter", { name, data })
}

function eventNames(messages: HookToPanelMessage[]): string[] {
  return messages.flatMap(m => (m.type === "repo/events" ? m.events.map(e => (e.kind === "emitter" ? e.name : e.kind)) : []))
}

function subscribed(limits?: Partial<BridgeLimits>): Harness {
  const h = harness(limits)
  h.relay({ type: "panel/subscribe" })
  h.messages()
  h.transport.posted.length = 0
  return h
}

describe("commands from the relay", () => {
  it("carries out well-formed panel commands and ignores anything else", () => {
    const h = harness()
    for (const junk of [
      "just a string",
      null,
      { type: "relay/hello" },
      { type: "panel/ping" },
      { type: "attach/path", requestId: 1, path: "x" },
      { type: "simulate/add", requestId: "r" },
      { source: "ephemera:relay", protocol: PROTOCOL_VERSION, nonce: "n", message: { type: "panel/subscribe" } },
    ]) {
      h.relay(junk)
    }
    expect(h.bridge.listening).toBe(false)
    expect(h.commands).toEqual([])
    h.relay({ type: "panel/subscribe" })
    h.relay({ type: "discovery/scan" })
    h.relay({ type: "attach/path", requestId: "r1", path: "repo" })
    expect(h.bridge.listening).toBe(true)
    expect(h.commands).toEqual(["discovery/scan", "attach/path"])
  })

  it("answers panel/ping with hook/pong, even with no panel subscribed", () => {
    const h = harness()
    h.relay({ type: "panel/ping", nonce: "p1" })
    expect(h.messages()).toEqual([{ type: "hook/pong", nonce: "p1" }])
  })

  it("keeps going when a handler throws", () => {
    const transport = memoryTransport()
    const bridge = new HookBridge({
      transport,
      hookVersion: "test",
      url: () => "http://app.test/",
      handlers: {
        announceRepos: () => {
          throw new Error("handler bug")
        },
        snapshotRepos: () => [],
        attachPath: () => {},
        scan: () => {},
      },
    })
    expect(() => transport.deliver({ type: "panel/subscribe" })).not.toThrow()
    expect(bridge.listening).toBe(true)
    bridge.dispose()
  })
})

describe("heartbeat", () => {
  it("beats every second a panel listens and nothing else went out, and stops when it leaves", () => {
    vi.useFakeTimers()
    try {
      const h = subscribed()
      // The subscribe's own hello went out during the first second.
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS)
      expect(h.transport.posted).toEqual([])
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS)
      expect(h.transport.messages()).toEqual([{ type: "hook/heartbeat" }])
      // Traffic in the last second is proof enough: no beat.
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS / 2)
      emit(h, "repo-1", "busy")
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS / 2)
      expect(h.transport.messages().map(m => m.type)).toEqual(["hook/heartbeat", "repo/events"])
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS)
      expect(h.transport.messages().map(m => m.type)).toEqual(["hook/heartbeat", "repo/events", "hook/heartbeat"])
      h.relay({ type: "panel/unsubscribe" })
      const sent = h.transport.posted.length
      vi.advanceTimersByTime(10 * HEARTBEAT_INTERVAL_MS)
      expect(h.transport.posted).toHaveLength(sent)
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe("subscribe and unsubscribe", () => {
  it("says hello, announces the repos, and resyncs in full on every subscribe", () => {
    const h = harness()
    h.relay({ type: "panel/subscribe" })
    emit(h, "repo-1", "before resubscribe")
    h.relay({ type: "panel/subscribe" })
    emit(h, "repo-1", "after")
    const messages = h.messages()
    const hello = {
      type: "hook/hello",
      protocol: PROTOCOL_VERSION,
      hookVersion: "test",
      url: "http://app.test/",
      instance: expect.any(String),
    }
    // What was observed before the second subscribe still goes out, in order, before the resync.
    expect(messages.map(m => m.type)).toEqual([
      "hook/hello",
      "repo/unregistered",
      "repo/events",
      "hook/hello",
      "repo/unregistered",
      "repo/events",
    ])
    expect(messages[0]).toEqual(hello)
    expect(messages[3]).toEqual(messages[0])
    expect(h.announced).toBe(2)
    expect(messages[2]).toMatchObject({ events: [{ name: "before resubscribe" }] })
    expect(messages[5]).toMatchObject({ events: [{ name: "after" }] })
  })

  it("goes idle on unsubscribe: queued events are dropped, nothing is posted, events are ignored", () => {
    const h = subscribed()
    emit(h, "repo-1", "queued")
    h.relay({ type: "panel/unsubscribe" })
    let reads = 0
    emit(h, "repo-1", "idle", {
      get n() {
        return ++reads
      },
    })
    h.bridge.send({ type: "repo/unregistered", repoId: "x", reason: "idle" })
    expect(h.messages()).toEqual([])
    expect(reads).toBe(0)
    expect(h.bridge.queued).toBe(0)
  })
})

describe("batching", () => {
  it("merges consecutive events of one repo into one repo/events, in order, with increasing ids", () => {
    const h = subscribed()
    emit(h, "a", "a1")
    emit(h, "a", "a2")
    emit(h, "b", "b1")
    h.bridge.send({ type: "repo/tap-disabled", repoId: "a", tap: "emitter", reason: "r" })
    emit(h, "a", "a3")
    emit(h, "a", "a4")
    const messages = h.messages()
    expect(h.transport.posted).toHaveLength(1)
    expect(
      messages.map(m => (m.type === "repo/events" ? `${m.repoId}:${m.events.map(e => e.kind === "emitter" && e.name).join(",")}` : m.type)),
    ).toEqual(["a:a1,a2", "b:b1", "repo/tap-disabled", "a:a3,a4"])
    const ids = messages.flatMap(m => (m.type === "repo/events" ? m.events.map(e => e.id) : []))
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
  })

  it("writes an event whole or not at all: a writer that throws leaves no trace", () => {
    const h = subscribed()
    emit(h, "a", "before")
    expect(() =>
      h.bridge.event("a", "sync-message", {
        msgType: "a string only this event lists",
        message: { half: "written" },
        commands: out => {
          out.command("cmd/listed", 0)
          throw new Error("tap bug")
        },
        delta: {},
      }),
    ).toThrow("tap bug")
    emit(h, "a", "a string only this event lists", 1)
    const messages = h.messages()
    expect(eventNames(messages)).toEqual(["before", "a string only this event lists"])
    const ids = messages.flatMap(m => (m.type === "repo/events" ? m.events.map(e => e.id) : []))
    expect(ids[1]).toBe(ids[0]! + 1)
  })

  it(`flushes by itself ${BATCH_INTERVAL_MS} ms after the first queued message`, async () => {
    const h = subscribed()
    emit(h, "a", "timed")
    expect(h.transport.posted).toHaveLength(0)
    await vi.waitFor(() => expect(h.transport.posted).toHaveLength(1))
  })

  it("flushes on the next microtask once the queue is large", async () => {
    const h = subscribed({ earlyFlushEvents: 10 })
    for (let i = 0; i < 10; i++) emit(h, "a", `e${i}`)
    expect(h.transport.posted).toHaveLength(0)
    await Promise.resolve()
    expect(h.transport.posted).toHaveLength(1)
  })

  it("posts a bounded number of events per flush and schedules the rest", async () => {
    const h = subscribed({ maxEventsPerFlush: 3, tapeEvents: 1 })
    for (let i = 0; i < 10; i++) emit(h, "a", `e${i}`)
    h.bridge.flush()
    expect(h.transport.messages().flatMap(m => (m.type === "repo/events" ? m.events : []))).toHaveLength(3)
    await vi.waitFor(() => expect(h.transport.messages().flatMap(m => (m.type === "repo/events" ? m.events : []))).toHaveLength(10))
  })

  it("cuts batches within the relay's limits, in order", () => {
    const h = subscribed({ batch: { chars: 400, messages: 100 }, tapeEvents: 4 })
    for (let i = 0; i < 50; i++) emit(h, i % 3 === 0 ? "a" : "b", `e${i}`)
    const messages = h.messages()
    expect(h.transport.posted.length).toBeGreaterThan(5)
    expect(eventNames(messages)).toEqual(Array.from({ length: 50 }, (_, i) => `e${i}`))
    for (const envelope of h.transport.posted) expect(envelope.batchJson.length).toBeLessThan(1_000)
  })
})

describe("bounds", () => {
  it("drops the oldest events beyond the cap, reports hook/dropped, and keeps control messages", () => {
    const h = subscribed({ maxQueuedEvents: 5, tapeEvents: 1 })
    h.bridge.send({ type: "repo/tap-disabled", repoId: "a", tap: "stores", reason: "kept" })
    for (let i = 0; i < 12; i++) emit(h, "a", `e${i}`)
    const messages = h.messages()
    expect(messages[0]).toEqual({ type: "hook/dropped", count: 7, reason: "queue-overflow" })
    expect(messages[1]).toMatchObject({ type: "repo/tap-disabled", reason: "kept" })
    expect(eventNames(messages.slice(2))).toEqual(["e7", "e8", "e9", "e10", "e11"])
  })

  it("drops a message the relay would refuse, or one that cannot become JSON, and says so", () => {
    const h = subscribed()
    h.bridge.send({ type: "hook/pong", nonce: "x".repeat(9_000_000) })
    h.bridge.send({ type: "hook/pong", nonce: 1n as never })
    emit(h, "a", "undefined inside", { bad: undefined })
    const messages = h.messages()
    expect(messages).toEqual([
      expect.objectContaining({
        type: "repo/events",
        events: [expect.objectContaining({ name: "undefined inside", data: { bad: { $ephemera: "undefined" } } })],
      }),
      { type: "hook/dropped", count: 1, reason: "message-too-large", lost: [{ repoId: "", kind: "hook/pong", size: 9_000_031 }] },
      { type: "hook/dropped", count: 1, reason: "serialization-failed", lost: [{ repoId: "", kind: "hook/pong", size: 0 }] },
    ])
  })

  it("names the repo, keys and size of the events it had to drop", () => {
    const h = subscribed({ batch: { chars: 2_000, messages: 100 } })
    h.bridge.event("repo-7", "store", {
      docId: "room:lobby",
      namespace: "presence",
      by: "local",
      entries: [{ key: "peer-1", value: "x".repeat(3_000), deleted: false, timestamp: 1, size: 3_012 }],
    })
    expect(h.messages()).toEqual([
      {
        type: "hook/dropped",
        count: 1,
        reason: "message-too-large",
        lost: [{ repoId: "repo-7", kind: "store", keys: ["presence/peer-1"], size: 3_012 }],
      },
    ])
  })

  it("turns a failing postMessage into a seq gap, not an exception", () => {
    const h = subscribed()
    const post = h.transport.post
    let calls = 0
    h.transport.post = batch => {
      if (calls++ === 0) throw new DOMException("could not be cloned", "DataCloneError")
      post(batch)
    }
    emit(h, "a", "lost")
    expect(() => h.bridge.flush()).not.toThrow()
    emit(h, "a", "kept")
    h.bridge.flush()
    // seq 0 was the subscribe's batch, seq 1 the lost one.
    expect(h.transport.posted.map(batch => batch.seq)).toEqual([2])
  })
})
