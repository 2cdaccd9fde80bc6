import { describe, expect, it } from "vitest"
import { PAGE_SOURCE, PROTOCOL_VERSION, RELAY_SOURCE } from "../../protocol/messages"
import { checkPageEnvelope, checkPanelToHook, checkRelayEnvelope, MAX_MESSAGES_PER_BATCH, MAX_STRING_CHARS, plainDataCheck } from "../../protocol/validate"

const batchOf = (messages: unknown[] = [{ type: "hook/pong", nonce: "n" }]) => ({ seq: 1, messages })
const good = (messages?: unknown[]) => ({
  source: PAGE_SOURCE,
  protocol: PROTOCOL_VERSION,
  batchJson: JSON.stringify(batchOf(messages)),
})

describe("checkPageEnvelope", () => {
  it("accepts a well-formed batch and keeps its text for forwarding", () => {
    const envelope = good()
    expect(checkPageEnvelope(envelope)).toEqual({ ok: true, value: { batch: batchOf(), batchJson: envelope.batchJson } })
  })

  it.each([
    ["a foreign source tag", { ...good(), source: "react-devtools" }, "foreign-source"],
    ["a non-object", "hello", "foreign-source"],
    ["null", null, "foreign-source"],
    ["another protocol version", { ...good(), protocol: 99 }, "bad-version"],
    ["a batch object instead of its text", { source: PAGE_SOURCE, protocol: PROTOCOL_VERSION, batchJson: batchOf() }, "not-plain-data"],
    ["a Blob instead of text", { source: PAGE_SOURCE, protocol: PROTOCOL_VERSION, batchJson: new Blob(["{}"]) }, "not-plain-data"],
    ["text that is not JSON", { ...good(), batchJson: "{seq: 1" }, "bad-shape"],
    ["a batch without seq", { ...good(), batchJson: JSON.stringify({ messages: [] }) }, "bad-shape"],
    ["a fractional seq", { ...good(), batchJson: JSON.stringify({ seq: 1.5, messages: [] }) }, "bad-shape"],
    ["an unknown message type", good([{ type: "panel/subscribe" }]), "bad-shape"],
    ["a message that is not an object", good([42]), "bad-shape"],
    ["too many messages", good(new Array(MAX_MESSAGES_PER_BATCH + 1).fill({ type: "hook/pong", nonce: "" })), "too-large"],
    ["a huge text", { ...good(), batchJson: " ".repeat(MAX_STRING_CHARS + 1) }, "too-large"],
  ])("refuses %s", (_name, data, reason) => {
    expect(checkPageEnvelope(data)).toEqual({ ok: false, reason })
  })
})

describe("plainDataCheck", () => {
  it("refuses deep nesting without recursing", () => {
    let deep: unknown = "leaf"
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(plainDataCheck({ type: "attach/path", requestId: "1", path: deep })).toBe("too-large")
  })

  it("refuses too many nodes", () => {
    const wide = new Array(600_000).fill(0)
    expect(plainDataCheck(wide)).toBe("too-large")
  })

  it.each([
    ["a Map", new Map()],
    ["a Date", new Date()],
    ["NaN", Number.NaN],
  ])("refuses %s", (_name, value) => {
    expect(plainDataCheck({ value })).toBe("not-plain-data")
  })
})

describe("checkPanelToHook / checkRelayEnvelope", () => {
  it("accepts the panel's commands", () => {
    expect(checkPanelToHook({ type: "panel/subscribe" }).ok).toBe(true)
    expect(checkPanelToHook({ type: "attach/path", requestId: "1", path: "repo" }).ok).toBe(true)
  })

  it("refuses malformed commands", () => {
    expect(checkPanelToHook({ type: "panel/ping" })).toEqual({ ok: false, reason: "bad-shape" })
    expect(checkPanelToHook({ type: "attach/path", requestId: 1, path: "x" })).toEqual({ ok: false, reason: "bad-shape" })
    expect(checkPanelToHook({ type: "hook/pong", nonce: "x" })).toEqual({ ok: false, reason: "bad-shape" })
  })

  it("checks the relay's tag and version", () => {
    const envelope = { source: RELAY_SOURCE, protocol: PROTOCOL_VERSION, nonce: "n", message: { type: "panel/subscribe" } }
    expect(checkRelayEnvelope(envelope)).toEqual({ ok: true, value: { nonce: "n", message: { type: "panel/subscribe" } } })
    expect(checkRelayEnvelope({ ...envelope, message: { type: "relay/hello" } }).ok).toBe(true)
    expect(checkRelayEnvelope({ ...envelope, nonce: 5 })).toEqual({ ok: false, reason: "bad-shape" })
    expect(checkRelayEnvelope({ ...envelope, protocol: 0 })).toEqual({ ok: false, reason: "bad-version" })
    expect(checkRelayEnvelope({ ...envelope, source: PAGE_SOURCE })).toEqual({ ok: false, reason: "foreign-source" })
  })
})

describe("plainDataCheck across realms", () => {
  it("accepts plain objects from another realm and refuses its class instances", async () => {
    const { runInNewContext } = await import("node:vm")
    const foreign = runInNewContext("({ plain: { a: [1, 'x', null] }, map: new Map(), date: new Date(0) })")
    expect(plainDataCheck(foreign.plain)).toBeUndefined()
    expect(plainDataCheck(foreign.map)).toBe("not-plain-data")
    expect(plainDataCheck(foreign.date)).toBe("not-plain-data")
    expect(plainDataCheck(Object.create(null))).toBeUndefined()
    class Point {
      x = 1
    }
    expect(plainDataCheck(new Point())).toBe("not-plain-data")
  })
})
