import { describe, expect, it } from "vitest"
import { CONTENT_PORT, PANEL_PORT, PROTOCOL_VERSION } from "../../protocol/messages"
import { TabRouter, type RouterPort } from "../../extension/background/tab-router"

function port(name: string, extra: Partial<RouterPort> = {}) {
  const inbox: any[] = []
  let disconnected = false
  const p: RouterPort & { inbox: any[]; isDisconnected: () => boolean } = {
    name,
    fromExtensionPage: false,
    post: m => inbox.push(m),
    disconnect: () => {
      disconnected = true
    },
    ...extra,
    inbox,
    isDisconnected: () => disconnected,
  }
  return p
}

const content = (tabId: number) => port(CONTENT_PORT, { tabId, frameId: 0 })
const panel = () => port(PANEL_PORT, { fromExtensionPage: true })
const batchJson = JSON.stringify({ messages: [{ type: "hook/pong", nonce: "x" }] })

describe("TabRouter", () => {
  it("refuses ports that cannot be ours", () => {
    const router = new TabRouter()
    const fromWeb = port(PANEL_PORT)
    expect(router.accept(fromWeb)).toBe(false)
    expect(fromWeb.isDisconnected()).toBe(true)
    const subframe = port(CONTENT_PORT, { tabId: 1, frameId: 3 })
    expect(router.accept(subframe)).toBe(false)
    expect(router.accept(port("other", { fromExtensionPage: true }))).toBe(false)
  })

  it("routes page batches to the panels of the same tab only", () => {
    const router = new TabRouter()
    const c1 = content(1)
    const c2 = content(2)
    const p1 = panel()
    const p2 = panel()
    for (const p of [c1, c2, p1, p2]) router.accept(p)
    router.receive(c1, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://a/" })
    router.receive(c2, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://b/" })
    router.receive(p1, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 1 })
    router.receive(p2, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 2 })
    expect(p1.inbox[0]).toEqual({ type: "background/page-status", connected: true, url: "http://a/" })
    expect(c1.inbox.at(-1)).toEqual({ type: "background/panel-listening", listening: true })
    router.receive(c1, { type: "content/page-batch", seq: 1, batchJson, skipped: 2 })
    expect(p1.inbox.at(-1)).toEqual({ type: "background/page-batch", seq: 1, batchJson, skipped: 2 })
    router.receive(c1, { type: "content/page-batch", seq: 2, batchJson })
    expect(p1.inbox.at(-1)).toEqual({ type: "background/page-batch", seq: 2, batchJson })
    router.receive(c1, { type: "content/page-batch", seq: "3", batchJson } as never)
    expect(p1.inbox.at(-1)).toMatchObject({ seq: 2 })
    expect(p2.inbox.some(m => m.type === "background/page-batch")).toBe(false)
  })

  it("passes a panel's acknowledgement to the relay of its tab only", () => {
    const router = new TabRouter()
    const c1 = content(1)
    const c2 = content(2)
    const p1 = panel()
    for (const p of [c1, c2, p1]) router.accept(p)
    router.receive(c1, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://a/" })
    router.receive(c2, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "http://b/" })
    router.receive(p1, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 1 })
    router.receive(p1, { type: "panel/received", seq: 9 })
    router.receive(p1, { type: "panel/received", seq: "10" } as never)
    expect(c1.inbox.filter(m => m.type === "background/received")).toEqual([{ type: "background/received", seq: 9 }])
    expect(c2.inbox.some(m => m.type === "background/received")).toBe(false)
  })

  it("forwards only valid panel commands to the page", () => {
    const router = new TabRouter()
    const c = content(5)
    const p = panel()
    router.accept(c)
    router.accept(p)
    router.receive(c, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "x" })
    router.receive(p, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 5 })
    router.receive(p, { type: "panel/to-page", message: { type: "panel/ping", nonce: "1" } })
    router.receive(p, { type: "panel/to-page", message: { type: "eval", code: "alert(1)" } })
    const toPage = c.inbox.filter(m => m.type === "background/to-page")
    expect(toPage).toEqual([{ type: "background/to-page", message: { type: "panel/ping", nonce: "1" } }])
  })

  it("ignores messages of another sender's union, unknown types and junk, without throwing", () => {
    const router = new TabRouter()
    const c = content(6)
    const p = panel()
    router.accept(c)
    router.accept(p)
    router.receive(c, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "x" })
    router.receive(p, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 6 })
    const inboxes = () => [c.inbox.length, p.inbox.length]
    const before = inboxes()
    // A panel's message on the content port and the other way round, then what is nobody's.
    for (const [from, message] of [
      [c, { type: "panel/to-page", message: { type: "panel/ping", nonce: "1" } }],
      [p, { type: "content/page-batch", batchJson }],
      [c, { type: "content/unknown" }],
      [p, { type: "panel/unknown" }],
      [c, null],
      [p, "panel/hello"],
    ] as const) {
      expect(() => router.receive(from, message)).not.toThrow()
    }
    expect(inboxes()).toEqual(before)
  })

  it("tells the page when the last panel leaves, and the panels when the page leaves", () => {
    const router = new TabRouter()
    const c = content(7)
    const p = panel()
    router.accept(c)
    router.accept(p)
    router.receive(p, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 7 })
    router.receive(c, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "x" })
    expect(c.inbox.at(-1)).toEqual({ type: "background/panel-listening", listening: true })
    router.drop(c)
    expect(p.inbox.at(-1)).toMatchObject({ type: "background/page-status", connected: false })
    const next = content(7)
    router.accept(next)
    router.receive(next, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "y" })
    expect(p.inbox.at(-1)).toEqual({ type: "background/page-status", connected: true, url: "y" })
    router.drop(p)
    expect(next.inbox.at(-1)).toEqual({ type: "background/panel-listening", listening: false })
    expect(router.panelsOf(7)).toBe(0)
  })

  it("rebuilds its routes from hellos after a restart", () => {
    const fresh = new TabRouter()
    const c = content(3)
    const p = panel()
    fresh.accept(p)
    fresh.receive(p, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 3 })
    fresh.accept(c)
    fresh.receive(c, { type: "content/hello", protocol: PROTOCOL_VERSION, url: "z" })
    fresh.receive(c, { type: "content/page-batch", seq: 1, batchJson })
    expect(p.inbox.at(-1)).toEqual({ type: "background/page-batch", seq: 1, batchJson })
  })
})
