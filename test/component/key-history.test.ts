// @vitest-environment jsdom
/**
 * The Live view's value history: opened from an entry, newest first, each
 * offer with the store's verdict, its writer and relay, and the diff it made;
 * re-stamps and repeats only when asked for.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { HookEvent, WireValue } from "../../protocol/messages"
import type { EncodableEntry } from "../../codec/loro-ephemeral/ephemeral-encoder"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, channel, channelIn, entry, events, peer, store, storeEvent } from "./fixtures/messages"
import { ephemeralFrame } from "./fixtures/frames"
import { pageOpening } from "./fixtures/opening"

const DOC = "room:lobby"
const SELF = "100"
const BOB = "200"
const HUB = "900"

function frame(sender: string, entries: EncodableEntry[], t: number): HookEvent {
  return channelIn("r1", 1, HUB, ephemeralFrame({ docId: DOC, hopsRemaining: 0, owner: sender, namespace: "cursor", entries }), t)
}

const imported = (value: WireValue, timestamp: number) =>
  storeEvent("r1", DOC, "cursor", "import", [entry(BOB, value, timestamp)], timestamp)

describe("value history in the Live view", () => {
  let panel: MountedPanel
  beforeEach(() => {
    panel = mountPanel()
    panel.push(
      ...pageOpening(
        {
          peers: [peer(HUB, { name: "hub", channels: [1], subscriptions: [DOC] }), peer(BOB, { name: "bob" })],
          channels: [channel(1, HUB)],
          stores: [store(DOC, "cursor", [entry(BOB, { x: 0, y: 0 }, T0)])],
        },
        { seq: 0 },
      ),
      batch(
        1,
        events(
          "r1",
          imported({ x: 0, y: 0 }, T0),
          frame(BOB, [{ key: BOB, value: { x: 1, y: 0 }, timestamp: T0 + 10 }], T0 + 10),
          imported({ x: 1, y: 0 }, T0 + 10),
          // Bob's second write of that millisecond: a tie, refused.
          frame(BOB, [{ key: BOB, value: { x: 2, y: 0 }, timestamp: T0 + 10 }], T0 + 11),
          // This repo's heartbeat re-stamps the key.
          storeEvent("r1", DOC, "cursor", "local", [entry(BOB, { x: 1, y: 0 }, T0 + 10_000)], T0 + 10_000),
        ),
      ),
    )
  })
  afterEach(() => panel.destroy())

  function open(): HTMLElement {
    panel
      .one("ephemeral-entry", `[data-namespace="cursor"][data-key="${BOB}"]`)
      .querySelector<HTMLElement>('[data-testid="entry-history"]')!
      .click()
    panel.settle()
    return panel.one("key-history")
  }

  const steps = () => panel.all("history-step").map(step => [step.dataset.origin, step.dataset.decision, step.dataset.effect])

  it("lists what changed the store and what it refused, newest first, with writer, relay and diff", () => {
    expect(panel.all("key-history")).toEqual([])
    const pane = open()
    expect(pane.dataset.key).toBe(BOB)
    expect(steps()).toEqual([
      ["frame", "refused-tie", "none"],
      ["frame", "accepted", "changed"],
      ["import", "accepted", "changed"],
    ])
    const [refused, taken] = panel.all("history-step")
    expect(refused!.querySelector('[data-testid="history-verdict"]')!.textContent).toContain("same timestamp")
    expect(taken!.dataset.writer).toBe(BOB)
    expect(taken!.dataset.relayedBy).toBe(HUB)
    expect(taken!.querySelector('[data-testid="history-credit"]')!.textContent).toBe("writer bob · relayed by hub")
    expect(
      [...taken!.querySelectorAll<HTMLElement>('[data-testid="json-diff-change"]')].map(change => [
        change.dataset.path,
        change.dataset.kind,
        change.textContent!.replace(/\s+/g, " ").trim(),
      ]),
    ).toEqual([["x", "changed", "~ x 0 → 1"]])
  })

  it("shows re-stamps and repeats when asked, and closes", () => {
    open()
    const showAll = panel.one("history-show-all") as HTMLInputElement
    showAll.click()
    panel.settle()
    expect(steps()[0]).toEqual(["local-restamp", "accepted", "restamped"])
    expect(panel.all("history-step")[0]!.dataset.restampedBy).toBe(SELF)
    panel.one("history-close").click()
    panel.settle()
    expect(panel.all("key-history")).toEqual([])
  })

  it("follows the live log: a new offer shows up at the top", () => {
    open()
    panel.push(
      batch(
        2,
        events(
          "r1",
          frame(BOB, [{ key: BOB, value: { x: 5, y: 0 }, timestamp: T0 + 20_000 }], T0 + 20_000),
          imported({ x: 5, y: 0 }, T0 + 20_000),
        ),
      ),
    )
    expect(steps()[0]).toEqual(["frame", "accepted", "changed"])
    expect(panel.all("history-step")[0]!.dataset.timestamp).toBe(String(T0 + 20_000))
  })
})
