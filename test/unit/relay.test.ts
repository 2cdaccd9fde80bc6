import { afterEach, describe, expect, it, vi } from "vitest"
import {
  HOOK_READY_EVENT,
  PAGE_SOURCE,
  PROTOCOL_VERSION,
  RELAY_PORT_EVENT,
  RELAY_SOURCE,
  type HookToRelayMessage,
  type HookVersionAnnouncement,
} from "../../protocol/messages"
import { createRelay, LISTEN_GRACE_MS, MAX_BUFFERED_BATCHES, type Relay } from "../../extension/relay/relay"
import { relayChannel } from "../../injected/bridge/relay-channel"
import type { HookTransport } from "../../injected/bridge/transport"
import { FakePortPair, until } from "../support/fake-port"
import { FakeWindow } from "../support/fake-window"

const batch = (seq: number): HookToRelayMessage => ({
  type: "page/batch",
  seq,
  count: 1,
  batchJson: JSON.stringify({ messages: [{ type: "hook/pong", nonce: String(seq) }] }),
})

/**
 * The hook of another build, of another protocol version, as far as every
 * version behaves alike: it answers a relay whose offer names a version not
 * its own with its version announcement on the offered port.
 */
function hookOfAnotherVersion(win: FakeWindow, protocol: number, hookVersion: string): void {
  win.addEventListener(RELAY_PORT_EVENT, event => {
    const offer = event as MessageEvent
    if (offer.data === protocol || !offer.ports[0]) return
    offer.preventDefault()
    offer.ports[0].postMessage({ announce: "version", protocol, hookVersion } satisfies HookVersionAnnouncement)
  })
}

/**
 * A page with the relay and the real hook end of the channel (loaded first,
 * as Chromium and Firefox do), or a hook of another version.
 */
function setup(otherHook?: { protocol: number; hookVersion: string }) {
  const win = new FakeWindow()
  let hook: HookTransport | undefined
  if (otherHook) hookOfAnotherVersion(win, otherHook.protocol, otherHook.hookVersion)
  else hook = relayChannel(win as unknown as Window, { hookVersion: "0.1.0" })
  const toHook: unknown[] = []
  hook?.listen(message => toHook.push(message))
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
  const sent = () =>
    pairs.flatMap(p => p.toRemote).filter((m: any) => m.type === "content/page-batch") as Array<{
      seq: number
      skipped?: number
      batchJson: string
    }>
  const batchesSent = () => sent().map(m => m.seq)
  // Tests of another version's hook never use ours.
  return { win, hook: hook!, toHook, pairs, relay, current, sent, batchesSent }
}

let relay: Relay | undefined
afterEach(() => {
  relay?.stop()
  vi.useRealTimers()
})

describe("relay", () => {
  it("pairs with the hook, says hello, and forwards its batches once a panel listens", async () => {
    const s = setup()
    relay = s.relay
    expect(s.relay.paired).toBe(true)
    expect(s.current().toRemote[0]).toEqual({ type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://127.0.0.1/app" })
    s.hook.post(batch(1))
    await until(() => s.relay.buffered === 1, 1000, "the batch held while no panel listens")
    expect(s.batchesSent()).toEqual([])
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 1, 1000, "buffered batch")
    s.hook.post(batch(2))
    await until(() => s.batchesSent().length === 2, 1000, "live batch")
    expect(s.sent()).toEqual([
      { type: "content/page-batch", seq: 1, batchJson: batch(1).batchJson },
      { type: "content/page-batch", seq: 2, batchJson: batch(2).batchJson },
    ])
  })

  it("takes nothing from the window: imitations of hook, relay and pairing are counted by reason", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    const forgedBatch = {
      source: PAGE_SOURCE,
      protocol: PROTOCOL_VERSION,
      batchJson: JSON.stringify({ seq: 2 ** 53 - 1, messages: [] }),
      count: 1,
    }
    const hostile: unknown[] = [
      { source: "other", protocol: 1 },
      null,
      forgedBatch,
      { ...forgedBatch, protocol: 3 },
      { source: RELAY_SOURCE, protocol: PROTOCOL_VERSION, nonce: "forged", message: { type: "panel/unsubscribe" } },
    ]
    for (let i = 0; i < 2000; i++) {
      for (const message of hostile) s.win.postMessage(message)
      if (i % 100 === 0) s.hook.post(batch(i / 100 + 1))
    }
    s.win.postFromElsewhere(forgedBatch)
    s.win.dispatchEvent(new Event(HOOK_READY_EVENT))
    await until(() => s.relay.drops.snapshot().dropped === 10_002, 2000, "all drops counted")
    expect(s.relay.drops.snapshot().byReason).toEqual({
      "foreign-source": 4000,
      "spoofed-page": 4001,
      "spoofed-relay": 2000,
      "spoofed-pairing": 1,
    })
    await until(() => s.batchesSent().length === 20, 2000, "the hook's batches")
    expect(s.batchesSent()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(s.toHook).toEqual([])
  })

  it("forwards the hook's text without parsing it, and counts what is not a batch", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.hook.post({ ...batch(1), batchJson: "not json at all" })
    s.hook.post({ ...batch(2), seq: -1 })
    await until(() => s.batchesSent().length === 1 && s.relay.drops.snapshot().dropped === 1, 1000, "the forwarded text")
    expect(s.sent()).toEqual([{ type: "content/page-batch", seq: 1, batchJson: "not json at all" }])
    expect(s.relay.drops.snapshot().byReason).toEqual({ "bad-shape": 1 })
  })

  it("ignores background messages of an unknown type without throwing", async () => {
    const s = setup()
    relay = s.relay
    for (const message of [{ type: "background/unknown" }, { type: "content/hello" }, null, 7]) {
      expect(() => s.current().deliver(message)).not.toThrow()
    }
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping", nonce: "after" } })
    await until(() => s.toHook.length === 1)
    expect(s.toHook).toEqual([{ type: "panel/ping", nonce: "after" }])
  })

  it("passes the panel's commands to the hook over the channel, checked", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping", nonce: "a" } })
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping" } })
    s.current().deliver({ type: "background/to-page", message: { type: "discovery/scan" } })
    await until(() => s.toHook.length >= 2)
    expect(s.toHook).toEqual([{ type: "panel/ping", nonce: "a" }, { type: "discovery/scan" }])
    expect(s.win.posted).toEqual([])
    expect(s.relay.drops.snapshot().dropped).toBe(0)
  })

  it("buffers across a background restart and loses nothing, sending again first what no panel acknowledged", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.hook.post(batch(1))
    s.hook.post(batch(2))
    await until(() => s.batchesSent().length === 2)
    // A panel has 1; 2 went into the stopping background and may never arrive.
    s.current().deliver({ type: "background/received", seq: 1 })
    s.current().dropped()
    for (let seq = 3; seq <= 50; seq++) s.hook.post(batch(seq))
    await until(() => s.pairs.length === 2, 2000, "reconnect")
    expect(s.current().toRemote[0]).toMatchObject({ type: "content/hello" })
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 51, 2000, "flush after reconnect")
    // The first port took 1 and 2; the second takes 2 again, then the rest.
    expect(s.batchesSent()).toEqual([1, 2, ...Array.from({ length: 49 }, (_, i) => i + 2)])
    expect(s.sent().some(m => m.skipped !== undefined)).toBe(false)
  })

  it("sends nothing on a new port until the background says whether a panel listens", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    s.current().dropped()
    await until(() => s.pairs.length === 2, 2000, "reconnect")
    // A restarted background may not know of the panel yet: it would drop this one and route the next.
    s.hook.post(batch(1))
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping", nonce: "later" } })
    await until(() => s.toHook.length === 1, 1000, "a later message through the channel")
    expect(s.batchesSent()).toEqual([])
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 1, 1000, "the batch once answered")
  })

  it("keeps for the next panel what none acknowledged when no panel listens", async () => {
    const s = setup()
    relay = s.relay
    s.current().deliver({ type: "background/panel-listening", listening: true })
    for (let seq = 1; seq <= 3; seq++) s.hook.post(batch(seq))
    await until(() => s.batchesSent().length === 3)
    s.current().deliver({ type: "background/received", seq: 2 })
    s.current().deliver({ type: "background/panel-listening", listening: false })
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 4, 1000, "the unacknowledged batch again")
    expect(s.batchesSent()).toEqual([1, 2, 3, 3])
  })

  it("counts what overflows the buffer as lost, and tells the panel how many batches it skipped", async () => {
    const s = setup()
    relay = s.relay
    for (let seq = 1; seq <= MAX_BUFFERED_BATCHES + 3; seq++) s.hook.post(batch(seq))
    await until(() => s.relay.drops.snapshot().lost === 3, 3000, "overflow")
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === MAX_BUFFERED_BATCHES, 3000, "flush")
    expect(s.sent()[0]).toMatchObject({ seq: 4, skipped: 3 })
    expect(s.sent()[1]).not.toHaveProperty("skipped")
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
    // The channel delivers on the real event loop.
    vi.useRealTimers()
    // The channel keeps order: once a later ping arrives, everything before it has.
    s.current().deliver({ type: "background/to-page", message: { type: "panel/ping", nonce: "after" } })
    await until(() => s.toHook.length >= 2, 1000, "the unsubscribe and the ping")
    expect(s.toHook).toEqual([{ type: "panel/unsubscribe" }, { type: "panel/ping", nonce: "after" }])
  })
})

describe("relay: a hook of another protocol version", () => {
  const statsSent = (s: ReturnType<typeof setup>) =>
    s
      .current()
      .toRemote.filter((m: any) => m.type === "content/stats")
      .map((m: any) => m.stats)

  it("tells the background which version the hook announced, without counting the announcement as a drop", async () => {
    const s = setup({ protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" })
    relay = s.relay
    await until(() => statsSent(s).some((stats: any) => stats.pageProtocol), 2_000, "stats naming the page's protocol")
    expect(statsSent(s).at(-1)).toEqual({
      dropped: 0,
      lost: 0,
      byReason: {},
      pageProtocol: { protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" },
    })
  })

  it("ignores an announcement of its own version, and takes none from the window", async () => {
    const s = setup()
    relay = s.relay
    const announcement = (protocol: number) => ({ announce: "version", protocol, hookVersion: "9" })
    s.hook.post(announcement(PROTOCOL_VERSION) as never)
    s.win.postMessage(announcement(PROTOCOL_VERSION + 5))
    s.hook.post(batch(1))
    s.current().deliver({ type: "background/panel-listening", listening: true })
    await until(() => s.batchesSent().length === 1, 1_000, "the batch after them")
    await until(() => s.relay.drops.snapshot().dropped === 1, 1_000, "the window's message counted")
    expect(s.relay.drops.snapshot()).toEqual({ dropped: 1, lost: 0, byReason: { "foreign-source": 1 } })
  })

  it("reports its counters on every (re)connection, so a new page's relay replaces the last one's", async () => {
    const s = setup({ protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" })
    relay = s.relay
    expect(s.current().toRemote.slice(0, 2)).toEqual([
      { type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://127.0.0.1/app" },
      { type: "content/stats", stats: { dropped: 0, lost: 0, byReason: {} } },
    ])
    await until(() => statsSent(s).length === 2, 2_000, "the announcement reported")
    s.current().dropped()
    await until(() => s.pairs.length === 2, 5_000, "a reconnection")
    await until(() => statsSent(s).length === 1, 1_000, "stats after the new hello")
    expect(statsSent(s)[0]).toMatchObject({ pageProtocol: { protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" } })
  })
})
