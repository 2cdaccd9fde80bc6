import { describe, expect, it } from "vitest"
import { PROTOCOL_VERSION } from "../../protocol/messages"
import {
  checkHookToRelay,
  checkPanelToHook,
  isBackgroundToContent,
  isBackgroundToPanel,
  isContentToBackground,
  isPanelToBackground,
  MAX_MESSAGES_PER_BATCH,
  MAX_STRING_CHARS,
  parseBatchMessages,
  plainDataCheck,
  typesOf,
  versionAnnouncementOf,
} from "../../protocol/validate"

const batchOf = (messages: unknown[] = [{ type: "hook/pong", nonce: "n" }]) => ({ messages })
const good = (messages?: unknown[]) => ({ type: "page/batch", seq: 3, count: 1, batchJson: JSON.stringify(batchOf(messages)) })

describe("checkHookToRelay (the relay, on the page's thread: the message only)", () => {
  it("accepts a well-formed batch and keeps its text for forwarding, unparsed", () => {
    const batch = good()
    expect(checkHookToRelay(batch)).toEqual({ ok: true, value: batch })
    // The text is not parsed here: the panel does that, off the page's thread.
    expect(checkHookToRelay({ ...good(), batchJson: "{messages: 1" })).toEqual({
      ok: true,
      value: { ...good(), batchJson: "{messages: 1" },
    })
  })

  it.each([
    ["another type", { ...good(), type: "page/other" }, "bad-shape"],
    ["a non-object", "hello", "bad-shape"],
    ["null", null, "bad-shape"],
    ["a batch object instead of its text", { ...good(), batchJson: batchOf() }, "not-plain-data"],
    ["a huge text", { ...good(), batchJson: " ".repeat(MAX_STRING_CHARS + 1) }, "too-large"],
    ["no count", { type: "page/batch", seq: 1, batchJson: "{}" }, "bad-shape"],
    ["no seq", { type: "page/batch", count: 1, batchJson: "{}" }, "bad-shape"],
    ["a negative count", { ...good(), count: -1 }, "bad-shape"],
    ["a fractional seq", { ...good(), seq: 1.5 }, "bad-shape"],
    ["a seq beyond 2^53", { ...good(), seq: 2 ** 53 }, "bad-shape"],
  ])("refuses %s", (_name, data, reason) => {
    expect(checkHookToRelay(data)).toEqual({ ok: false, reason })
  })
})

describe("parseBatchMessages (the panel)", () => {
  it("parses a well-formed batch, and a seq written into the text is not part of it", () => {
    expect(parseBatchMessages(good().batchJson)).toEqual(batchOf().messages)
    expect(parseBatchMessages(JSON.stringify({ seq: 2 ** 53 - 1, messages: [] }))).toEqual([])
  })

  it.each([
    ["text that is not JSON", "{seq: 1", "bad-shape"],
    ["a batch without messages", JSON.stringify({ seq: 1 }), "bad-shape"],
    ["an unknown message type", good([{ type: "panel/subscribe" }]).batchJson, "bad-shape"],
    ["a message that is not an object", good([42]).batchJson, "bad-shape"],
    ["too many messages", good(new Array(MAX_MESSAGES_PER_BATCH + 1).fill({ type: "hook/pong", nonce: "" })).batchJson, "too-large"],
  ])("refuses %s", (_name, text, reason) => {
    expect(parseBatchMessages(text)).toBe(reason)
  })
})

describe("versionAnnouncementOf (a hook of any version, to a relay of another)", () => {
  it("reads the protocol and the hook's version, and only a version string of sane length", () => {
    expect(versionAnnouncementOf({ announce: "version", protocol: PROTOCOL_VERSION + 1, hookVersion: "9.0.0" })).toEqual({
      protocol: PROTOCOL_VERSION + 1,
      hookVersion: "9.0.0",
    })
    expect(versionAnnouncementOf({ announce: "version", protocol: 2, hookVersion: "x".repeat(65) })).toEqual({ protocol: 2 })
    expect(versionAnnouncementOf({ announce: "version", protocol: 2, hookVersion: 7 })).toEqual({ protocol: 2 })
  })

  it.each([
    ["a batch", { type: "page/batch", seq: 0, count: 0, batchJson: "{}" }],
    ["no protocol", { announce: "version", hookVersion: "1" }],
    ["a fractional protocol", { announce: "version", protocol: 3.5 }],
    ["a protocol as text", { announce: "version", protocol: "3" }],
    ["null", null],
  ])("is undefined for %s", (_name, data) => {
    expect(versionAnnouncementOf(data)).toBeUndefined()
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

describe("checkPanelToHook", () => {
  it("accepts the panel's commands", () => {
    expect(checkPanelToHook({ type: "panel/subscribe" }).ok).toBe(true)
    expect(checkPanelToHook({ type: "attach/path", requestId: "1", path: "repo" }).ok).toBe(true)
    expect(checkPanelToHook({ type: "panel/snapshot", requestId: "s1" }).ok).toBe(true)
  })

  it("refuses malformed commands", () => {
    expect(checkPanelToHook({ type: "panel/ping" })).toEqual({ ok: false, reason: "bad-shape" })
    expect(checkPanelToHook({ type: "attach/path", requestId: 1, path: "x" })).toEqual({ ok: false, reason: "bad-shape" })
    expect(checkPanelToHook({ type: "hook/pong", nonce: "x" })).toEqual({ ok: false, reason: "bad-shape" })
    expect(checkPanelToHook({ type: "relay/hello" })).toEqual({ ok: false, reason: "bad-shape" })
    expect(checkPanelToHook({ type: "panel/snapshot" })).toEqual({ ok: false, reason: "bad-shape" })
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

describe("message type sets, derived from the unions", () => {
  it("do not compile when a union's type is missing or one is not in the union", () => {
    type Union = { type: "a" } | { type: "b" }
    // @ts-expect-error "b" is missing
    typesOf<Union>({ a: true })
    // @ts-expect-error "c" is not a type of the union
    typesOf<Union>({ a: true, b: true, c: true })
    expect([...typesOf<Union>({ a: true, b: true })]).toEqual(["a", "b"])
  })

  it("accept each union's own types between the extension's contexts, and nothing else", () => {
    const cases: Array<[(value: unknown) => boolean, string[]]> = [
      [isContentToBackground, ["content/hello", "content/page-batch", "content/stats"]],
      [isBackgroundToContent, ["background/panel-listening", "background/to-page"]],
      [isPanelToBackground, ["panel/hello", "panel/to-page", "panel/watch-origin", "panel/snapshot-origin"]],
      [
        isBackgroundToPanel,
        ["background/page-batch", "background/relay-stats", "background/page-status", "background/origin-tabs", "background/tab-batch"],
      ],
    ]
    const everyType = cases.flatMap(([, types]) => types)
    for (const [check, types] of cases) {
      for (const type of everyType) expect(check({ type }), `${check.name} ${type}`).toBe(types.includes(type))
      for (const junk of [undefined, null, "content/hello", { type: 1 }, { type: "panel/unreadable" }, [], { kind: types[0] }])
        expect(check(junk)).toBe(false)
    }
  })

  it("parseBatchMessages knows every hook message type, and checkPanelToHook every panel command", () => {
    const hookTypes = [
      "hook/hello",
      "repo/registered",
      "repo/unregistered",
      "repo/events",
      "repo/event-tape",
      "repo/tap-disabled",
      "hook/dropped",
      "hook/heartbeat",
      "hook/pong",
      "attach/result",
      "simulate/state",
      "simulate/error",
      "hook/snapshot",
    ]
    for (const type of hookTypes) expect(parseBatchMessages(JSON.stringify(batchOf([{ type }])))).not.toBe("bad-shape")
    expect(parseBatchMessages(JSON.stringify(batchOf([{ type: "hook/unknown" }])))).toBe("bad-shape")
    const routing = { requestId: "q", repoId: "r" }
    const commands = [
      { type: "panel/subscribe" },
      { type: "panel/unsubscribe" },
      { type: "panel/ping", nonce: "n" },
      { type: "attach/path", requestId: "q", path: "repo" },
      { type: "discovery/scan" },
      { type: "panel/snapshot", requestId: "q" },
      ...["simulate/add", "simulate/update", "simulate/pause", "simulate/remove", "simulate/remove-all", "simulate/set-keep-on-close"].map(
        type => ({ type, ...routing }),
      ),
    ]
    for (const command of commands) expect(checkPanelToHook(command), command.type).toEqual({ ok: true, value: command })
    expect(checkPanelToHook({ type: "simulate/add", requestId: "q" })).toEqual({ ok: false, reason: "bad-shape" })
  })
})
