import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { PROTOCOL_VERSION, type BackgroundToPanelMessage } from "../../protocol/messages"
import type { PortLike } from "../../extension/ports/reconnecting-port"
import { portTransport, type PortTransport } from "../../devtools-panel/transport/port-transport"
import { writeEvent } from "../../codec/event-tape/event-writer"
import { TapeWriter } from "../../codec/event-tape/writer"
import type { TransportStatus } from "../../devtools-panel/transport/transport"

/** One side of a runtime port; the test plays the background. */
class FakePort implements PortLike {
  readonly posted: unknown[] = []
  readonly #messageListeners: Array<(message: unknown) => void> = []
  readonly #disconnectListeners: Array<() => void> = []
  disconnected = false
  onMessage = { addListener: (listener: (message: unknown) => void) => void this.#messageListeners.push(listener) }
  onDisconnect = { addListener: (listener: () => void) => void this.#disconnectListeners.push(listener) }
  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error("Attempting to use a disconnected port object")
    this.posted.push(message)
  }
  disconnect(): void {
    this.disconnected = true
  }
  fromBackground(message: unknown): void {
    for (const listener of this.#messageListeners) listener(message)
  }
  /** The background went away (service worker stopped). */
  drop(): void {
    this.disconnected = true
    for (const listener of this.#disconnectListeners) listener()
  }
  /** What went to the page hook, by type. */
  pageTypes(): string[] {
    return this.posted.flatMap(message => {
      const m = message as { type: string; message?: { type: string } }
      return m.type === "panel/to-page" ? [m.message!.type] : [m.type]
    })
  }
}

describe("port transport", () => {
  let ports: FakePort[]
  let transport: PortTransport
  let received: BackgroundToPanelMessage[]
  let statuses: TransportStatus[]

  beforeEach(() => {
    vi.useFakeTimers()
    ports = []
    received = []
    statuses = []
    transport = portTransport({
      tabId: 42,
      connect: () => {
        const port = new FakePort()
        ports.push(port)
        return port
      },
      minDelayMs: 10,
    })
    transport.onMessage(message => received.push(message))
    transport.onStatus(status => statuses.push(status))
  })
  afterEach(() => {
    transport.close()
    vi.useRealTimers()
  })

  it("says hello with the tab id, subscribes and asks for a scan on connect", () => {
    expect(ports).toHaveLength(1)
    expect(ports[0]!.posted[0]).toEqual({ type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 42 })
    expect(ports[0]!.pageTypes()).toEqual(["panel/hello", "panel/subscribe", "discovery/scan"])
    expect(statuses).toEqual(["connected"])
  })

  it("passes background messages on and ignores anything else", () => {
    const stats: BackgroundToPanelMessage = { type: "background/relay-stats", stats: { dropped: 1, byReason: {}, lost: 0 } }
    ports[0]!.fromBackground(stats)
    ports[0]!.fromBackground({ type: "something/else" })
    ports[0]!.fromBackground("nonsense")
    expect(received).toEqual([stats])
  })

  it("subscribes again when a new page connects, not for the status that answers its hello", () => {
    const port = ports[0]!
    port.fromBackground({ type: "background/page-status", connected: true, url: "http://a/" })
    expect(port.pageTypes()).toEqual(["panel/hello", "panel/subscribe", "discovery/scan"])
    port.fromBackground({ type: "background/page-status", connected: false, url: "http://a/" })
    port.fromBackground({ type: "background/page-status", connected: true, url: "http://a/" })
    expect(port.pageTypes().slice(3)).toEqual(["panel/subscribe", "discovery/scan"])
    port.fromBackground({ type: "background/page-status", connected: true, url: "http://b/" })
    expect(port.pageTypes().slice(5)).toEqual(["panel/subscribe", "discovery/scan"])
  })

  it("subscribes once the page connects when it was not connected at hello time", () => {
    const port = ports[0]!
    port.fromBackground({ type: "background/page-status", connected: false })
    port.fromBackground({ type: "background/page-status", connected: true, url: "http://a/" })
    expect(port.pageTypes()).toEqual(["panel/hello", "panel/subscribe", "discovery/scan", "panel/subscribe", "discovery/scan"])
  })

  it("queues page messages while the background is away and sends them after the new hello", () => {
    ports[0]!.drop()
    expect(statuses).toEqual(["connected", "disconnected"])
    transport.send({ type: "panel/to-page", message: { type: "attach/path", requestId: "a1", path: "app.repo" } })
    transport.send({ type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 7 })
    vi.advanceTimersByTime(10)
    expect(ports).toHaveLength(2)
    expect(ports[1]!.pageTypes()).toEqual(["panel/hello", "panel/subscribe", "discovery/scan", "attach/path"])
    expect(ports[1]!.posted[0]).toEqual({ type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 42 })
    expect(statuses).toEqual(["connected", "disconnected", "connected"])
  })

  it("says again that it watches its origin after every reconnect, and drops snapshot requests while away", () => {
    transport.send({ type: "panel/watch-origin", watch: true })
    transport.send({ type: "panel/snapshot-origin", requestId: "s1" })
    expect(ports[0]!.pageTypes().slice(-2)).toEqual(["panel/watch-origin", "panel/snapshot-origin"])
    ports[0]!.drop()
    transport.send({ type: "panel/snapshot-origin", requestId: "s2" })
    vi.advanceTimersByTime(10)
    expect(ports[1]!.pageTypes()).toEqual(["panel/hello", "panel/subscribe", "discovery/scan", "panel/watch-origin"])
    expect(ports[1]!.posted.at(-1)).toEqual({ type: "panel/watch-origin", watch: true })
    transport.send({ type: "panel/watch-origin", watch: false })
    ports[1]!.drop()
    vi.advanceTimersByTime(20)
    expect(ports[2]!.pageTypes()).toEqual(["panel/hello", "panel/subscribe", "discovery/scan"])
  })

  it("passes other tabs' lists and batches on", () => {
    const text = JSON.stringify({ seq: 1, messages: [{ type: "hook/pong", nonce: "n" }] })
    ports[0]!.fromBackground({ type: "background/origin-tabs", tabs: [{ tabId: 3 }] })
    ports[0]!.fromBackground({ type: "background/tab-batch", tabId: 3, batchJson: text })
    ports[0]!.fromBackground({ type: "background/origin-tabs", tabs: "nope" })
    expect(received.map(m => m.type)).toEqual(["background/origin-tabs", "background/tab-batch"])
  })

  it("acknowledges each page batch it receives, so the relay forgets it", () => {
    const messages = [{ type: "hook/pong", nonce: "n" }]
    ports[0]!.fromBackground({ type: "background/page-batch", seq: 7, batchJson: JSON.stringify({ messages }) })
    ports[0]!.fromBackground({ type: "background/page-batch", seq: 8, batchJson: "{unreadable" })
    expect(ports[0]!.posted.filter(m => (m as { type: string }).type === "panel/received")).toEqual([
      { type: "panel/received", seq: 7 },
      { type: "panel/received", seq: 8 },
    ])
  })

  it("sends page messages at once while connected", () => {
    transport.send({ type: "panel/to-page", message: { type: "panel/ping", nonce: "n" } })
    expect(ports[0]!.pageTypes().at(-1)).toBe("panel/ping")
  })
})

describe("fromWire", () => {
  it("parses a page batch's JSON text into the reducer's message", async () => {
    const { fromWire } = await import("../../devtools-panel/transport/transport")
    const messages = [{ type: "hook/pong", nonce: "n" }]
    expect(fromWire({ type: "background/page-batch", seq: 4, batchJson: JSON.stringify({ messages }) })).toEqual([
      { type: "background/page-batch", batch: { seq: 4, messages } },
    ])
    expect(fromWire({ type: "background/page-batch", seq: 5, batchJson: JSON.stringify({ messages }), skipped: 3 })).toEqual([
      { type: "background/page-batch", batch: { seq: 5, messages }, skipped: 3 },
    ])
    // The seq is the number beside the text: one written into the text is not read.
    expect(fromWire({ type: "background/page-batch", seq: 6, batchJson: JSON.stringify({ seq: 2 ** 53 - 1, messages }) })).toEqual([
      { type: "background/page-batch", batch: { seq: 6, messages } },
    ])
    expect(fromWire({ type: "background/page-batch", seq: 7, batchJson: "{broken" })).toEqual([
      { type: "panel/unreadable", reason: "bad-shape", count: 1 },
    ])
    expect(fromWire({ type: "background/page-batch", seq: 1.5, batchJson: JSON.stringify({ messages }) })).toEqual([
      { type: "panel/unreadable", reason: "bad-shape", count: 1 },
    ])
    const status = { type: "background/page-status", connected: true } as const
    expect(fromWire(status)).toEqual([status])
  })

  it("expands event tapes into repo/events, one per run of a repo's events", async () => {
    const { fromWire } = await import("../../devtools-panel/transport/transport")
    const good = tapeOf([
      ["r1", "a"],
      ["r1", "b"],
      ["r2", "c"],
    ])
    const batch = { messages: [good, { type: "hook/pong", nonce: "n" }] }
    const emitter = (id: number, repoId: string, name: string) => ({ id, repoId, t: 1_005, kind: "emitter", name, data: null })
    expect(fromWire({ type: "background/page-batch", seq: 1, batchJson: JSON.stringify(batch) })).toEqual([
      {
        type: "background/page-batch",
        batch: {
          seq: 1,
          messages: [
            { type: "repo/events", repoId: "r1", events: [emitter(10, "r1", "a"), emitter(11, "r1", "b")] },
            { type: "repo/events", repoId: "r2", events: [emitter(12, "r2", "c")] },
            { type: "hook/pong", nonce: "n" },
          ],
        },
      },
    ])
  })

  it("counts a batch with a tape that does not decode, and applies none of it (its seq could reset the view)", async () => {
    const { fromWire } = await import("../../devtools-panel/transport/transport")
    const good = tapeOf([
      ["r1", "a"],
      ["r1", "b"],
      ["r2", "c"],
    ])
    const broken = { ...good, ops: good.ops.slice(0, -2) }
    const batch = { messages: [good, { type: "hook/pong", nonce: "n" }, broken] }
    expect(fromWire({ type: "background/page-batch", seq: 1, batchJson: JSON.stringify(batch) })).toEqual([
      { type: "panel/unreadable", reason: "bad-shape", count: 7 },
    ])
  })
})

/** A sealed tape of emitter events, one per [repoId, name]. */
function tapeOf(events: ReadonlyArray<readonly [string, string]>) {
  const tape = new TapeWriter(10, 1_000, value => value as never)
  for (const [repoId, name] of events) {
    writeEvent(tape, "emitter", repoId, 1_005, { name, data: null })
  }
  return tape.seal()
}
