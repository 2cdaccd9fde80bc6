import { afterEach, describe, expect, it, vi } from "vitest"
import { PAGE_SOURCE, PROTOCOL_VERSION, RELAY_SOURCE } from "../../protocol/messages"
import { createRelay, LISTEN_GRACE_MS, MAX_BUFFERED_BATCHES, type Relay } from "../../extension/relay/relay"
import { FakePortPair, until } from "../support/fake-port"
import { FakeWindow } from "../support/fake-window"

const batch = (seq: number) => ({
  source: PAGE_SOURCE,
  protocol: PROTOCOL_VERSION,
  batchJson: JSON.stringify({ seq, messages: [{ type: "hook/pong", nonce: String(seq) }] }),
  count: 1,
})

function setup() {
  const win = new FakeWindow()
  const pairs: FakePortPair[] = []
  const relay = createRelay({
    window: win as unknown as Window,
    connect: () => {
      const pair = new FakePortPair()
      pairs.push(pair)
      return pair.port
    },
    url: () => "http://127.0.0.1/app",
  })
  const current = () => pairs[pairs.length - 1]!
  const batchesSent = () =>
    pairs
      .flatMap(p => p.toRemote)
      .filter((m: any) => m.type === "content/page-batch")
      .map((m: any) => JSON.parse(m.batchJson).seq)
  return { win, pairs, relay, current, batchesSent }
}

let relay: Relay | undefined
afterEach(() => {
  relay?.stop()
  vi.useRealTimers()
})

describe("relay", () => {
  it("says hello and forwards valid batches once a panel listens", async () => {
    const s = setup()
    relay = s.relay
    expect(s.current().toRemote[0]).toEqual({ type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://127.0.0.1/app" })
    s.win.postMessage(batch(1))
    await until(() => s.relay.drops.snapshot().dropped === 0 && true)
    expect(s.batchesSent()).toEqual([])
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 1, 1000, "buffered batch")
    s.win.postMessage(batch(2))
    await until(() => s.batchesSent().length === 2, 1000, "live batch")
    expect(s.batchesSent()).toEqual([1, 2])
  })

  it("drops and counts hostile messages while legitimate ones pass", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    const hostile: unknown[] = [
      { source: "other", protocol: 1 },
      { ...batch(0), protocol: 7 },
      { source: PAGE_SOURCE, protocol: PROTOCOL_VERSION, batchJson: "{}" }, // no count
      { ...batch(0), batchJson: { seq: 0, messages: [{ type: "repo/events", events: [new Blob(["x"])] }] } },
      { source: RELAY_SOURCE, protocol: PROTOCOL_VERSION, nonce: "forged", message: { type: "panel/subscribe" } },
    ]
    for (let i = 0; i < 2000; i++) {
      for (const message of hostile) s.win.postMessage(message)
      if (i % 100 === 0) s.win.postMessage(batch(i / 100 + 1))
    }
    s.win.postFromElsewhere(batch(999))
    await until(() => s.relay.drops.snapshot().dropped === 10_001, 2000, "all drops counted")
    expect(s.relay.drops.snapshot().byReason).toEqual({
      "foreign-source": 2001,
      "bad-version": 2000,
      "bad-shape": 2000,
      "not-plain-data": 2000,
      "spoofed-relay": 2000,
    })
    expect(s.batchesSent()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  })

  it("forwards a well-formed envelope's text without parsing it: the panel reads it, and counts what it cannot", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.win.postMessage({ ...batch(1), batchJson: "not json at all" })
    await until(() => s.current().toRemote.some((m: any) => m.type === "content/page-batch"), 1000, "the forwarded text")
    expect(s.current().toRemote.find((m: any) => m.type === "content/page-batch")).toEqual({
      type: "content/page-batch",
      batchJson: "not json at all",
    })
    expect(s.relay.drops.snapshot().dropped).toBe(0)
  })

  it("ignores background messages of an unknown type without throwing", async () => {
    const s = setup()
    relay = s.relay
    for (const message of [{ type: "background/unknown" }, { type: "content/hello" }, null, 7]) {
      expect(() => s.current().deliver(message)).not.toThrow()
    }
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping", nonce: "after" } })
    await until(() => s.win.posted.length === 2)
    expect(s.win.posted[1]).toMatchObject({ message: { type: "panel/ping", nonce: "after" } })
  })

  it("ignores its own messages to the page and forwards panel commands", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping", nonce: "a" } })
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping" } })
    await until(() => s.win.posted.length === 2)
    expect(s.win.posted[0]).toMatchObject({ source: RELAY_SOURCE, message: { type: "relay/hello" } })
    expect(s.win.posted[1]).toMatchObject({ source: RELAY_SOURCE, message: { type: "panel/ping", nonce: "a" } })
    await new Promise(resolve => setTimeout(resolve, 10))
    expect(s.relay.drops.snapshot().dropped).toBe(0)
  })

  it("buffers across a background restart and loses nothing", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.win.postMessage(batch(1))
    await until(() => s.batchesSent().length === 1)
    s.current().dropped()
    for (let seq = 2; seq <= 50; seq++) s.win.postMessage(batch(seq))
    await until(() => s.pairs.length === 2, 2000, "reconnect")
    expect(s.current().toRemote[0]).toMatchObject({ type: "content/hello" })
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 50, 2000, "flush after reconnect")
    expect(s.batchesSent()).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
  })

  it("counts what overflows the buffer as lost", async () => {
    const s = setup()
    relay = s.relay
    for (let seq = 1; seq <= MAX_BUFFERED_BATCHES + 3; seq++) s.win.postMessage(batch(seq))
    await until(() => s.relay.drops.snapshot().lost === 3, 3000, "overflow")
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === MAX_BUFFERED_BATCHES, 3000, "flush")
    expect(s.batchesSent()[0]).toBe(4)
  })

  it("tells the hook to go idle only after the grace period without a panel", async () => {
    vi.useFakeTimers()
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.current().deliver({ type: "background/panel-listening", listening: false })
    vi.advanceTimersByTime(LISTEN_GRACE_MS - 1)
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.current().deliver({ type: "background/panel-listening", listening: false })
    vi.advanceTimersByTime(LISTEN_GRACE_MS + 1)
    expect(s.win.posted).toEqual([
      expect.objectContaining({ message: { type: "relay/hello" } }),
      expect.objectContaining({ message: { type: "panel/unsubscribe" } }),
    ])
  })
})

describe("relay: a hook of another protocol version", () => {
  const statsSent = (s: ReturnType<typeof setup>) =>
    s
      .current()
      .toRemote.filter((m: any) => m.type === "content/stats")
      .map((m: any) => m.stats)

  it("tells the background which version the hook announced, without counting the announcement as a drop", async () => {
    const s = setup()
    relay = s.relay
    s.win.postMessage({ source: PAGE_SOURCE, protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9", announce: "version" })
    await until(() => statsSent(s).some((stats: any) => stats.pageProtocol), 2_000, "stats naming the page's protocol")
    expect(statsSent(s).at(-1)).toEqual({
      dropped: 0,
      lost: 0,
      byReason: {},
      pageProtocol: { protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" },
    })
  })

  it("counts another version's batches as bad-version, and says which version they speak", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.win.postMessage({ ...batch(1), protocol: PROTOCOL_VERSION + 1 })
    await until(() => statsSent(s).some((stats: any) => stats.pageProtocol), 2_000, "stats naming the page's protocol")
    expect(statsSent(s).at(-1)).toEqual({
      dropped: 1,
      lost: 0,
      byReason: { "bad-version": 1 },
      pageProtocol: { protocol: PROTOCOL_VERSION + 1 },
    })
    expect(s.batchesSent()).toEqual([])
  })

  it("ignores an announcement of its own version (meant for another relay), and one from another window", async () => {
    const s = setup()
    relay = s.relay
    s.win.postMessage({ source: PAGE_SOURCE, protocol: PROTOCOL_VERSION, hookVersion: "0.1.0", announce: "version" })
    s.win.postFromElsewhere({ source: PAGE_SOURCE, protocol: PROTOCOL_VERSION + 5, hookVersion: "9", announce: "version" })
    s.win.postMessage(batch(1))
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 1, 1_000, "the batch after them")
    await until(() => s.relay.drops.snapshot().dropped === 1, 1_000, "the other window's message counted")
    expect(s.relay.drops.snapshot()).toEqual({ dropped: 1, lost: 0, byReason: { "foreign-source": 1 } })
  })

  it("reports its counters on every (re)connection, so a new page's relay replaces the last one's", async () => {
    const s = setup()
    relay = s.relay
    expect(s.current().toRemote.slice(0, 2)).toEqual([
      { type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://127.0.0.1/app" },
      { type: "content/stats", stats: { dropped: 0, lost: 0, byReason: {} } },
    ])
    s.win.postMessage({ source: PAGE_SOURCE, protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9", announce: "version" })
    await until(() => statsSent(s).length === 2, 2_000, "the change reported")
    s.current().dropped()
    await until(() => s.pairs.length === 2, 5_000, "a reconnection")
    await until(() => statsSent(s).length === 1, 1_000, "stats after the new hello")
    expect(statsSent(s)[0]).toMatchObject({ pageProtocol: { protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" } })
  })
})
