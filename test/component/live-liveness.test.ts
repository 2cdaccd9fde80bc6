// @vitest-environment jsdom
/**
 * The Live view with the detectors: a peer reached through a hub shows how
 * it is connected before and after it is heard, and once the hub's channel
 * closes it reads "no live path since …" (never plainly "present"), with
 * its keys marked stale.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import type { WireValue } from "../../protocol/messages"
import { formatClock } from "../../devtools-panel/values/format"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, channelIn, entry, events, peer, store, syncMessage } from "./fixtures/messages"
import { ephemeralFrame } from "./fixtures/frames"
import { pageOpening, peerOnChannelOne } from "./fixtures/opening"

const DOC = "room:lobby"
const SELF = "100"
const HUB = "900"
const BOB = "200"

/** Bob's own heartbeat frame, forwarded by the hub. */
function bobFrame(t: number): WireValue {
  return ephemeralFrame({
    docId: DOC,
    hopsRemaining: 0,
    owner: BOB,
    namespace: "presence",
    entries: [{ key: BOB, value: { name: "bob" }, timestamp: t }],
  })
}

describe("live view and the detectors", () => {
  let panel: MountedPanel
  let now = T0
  beforeEach(() => {
    now = T0
    panel = mountPanel({ now: () => now })
    panel.push(
      ...pageOpening({
        ...peerOnChannelOne(HUB, DOC, "hub"),
        stores: [store(DOC, "presence", [entry(SELF, { name: "alice" }, T0 - 10), entry(BOB, { name: "bob" }, T0 - 10)])],
      }),
    )
  })
  afterEach(() => panel.destroy())

  const bobRow = () => panel.one("member-row", `[data-peer-id="${BOB}"]`)
  const connection = () => bobRow().querySelector(".connection")!.textContent!.trim()

  it("shows how a relayed peer is connected, inferred before it is heard, from the detectors after", async () => {
    expect(connection()).toBe("relayed via hub (network/websocket #1), not heard yet")
    panel.push(batch(2, events("r1", channelIn("r1", 1, HUB, bobFrame(T0 + 5), T0 + 5))))
    await Promise.resolve()
    panel.settle()
    expect(connection()).toBe("relayed via hub (network/websocket #1)")
  })

  it("shows a member's heartbeat traffic in its rate, though its value does not change", async () => {
    // The batch arrives now (real time, the rates' clock): the page is live, not stale.
    now = Date.now()
    // Five heartbeats' worth of bob's frames in the last second, each re-sending the same value.
    panel.push(batch(2, events("r1", ...Array.from({ length: 5 }, (_, i) => channelIn("r1", 1, HUB, bobFrame(T0 - 10), now - i * 100)))))
    await vi.waitFor(() => {
      panel.settle()
      const rate = bobRow().querySelector('[data-testid="member-rate"]') as HTMLElement
      expect(rate.textContent).toBe("0/s · 1.0/s msg, 1.0/s entries")
    })
  })

  it("reads no live path once the hub's channel closes, and marks the keys stale", async () => {
    panel.push(batch(2, events("r1", channelIn("r1", 1, HUB, bobFrame(T0 + 5), T0 + 5))))
    expect(bobRow().dataset.livePath).toBe("true")
    expect(bobRow().textContent).toContain("present")
    panel.push(
      batch(
        3,
        events(
          "r1",
          syncMessage(
            "r1",
            "synchronizer/channel-removed",
            { peers: [{ ...peer(HUB, { name: "hub" }), channels: [] }], channels: [] },
            T0 + 1_000,
          ),
        ),
      ),
    )
    await Promise.resolve()
    panel.settle()
    expect(bobRow().dataset).toMatchObject({ present: "true", livePath: "false" })
    expect(panel.one("no-live-path").textContent).toBe(`no live path since ${formatClock(T0 + 1_000)}`)
    expect(bobRow().textContent).not.toContain("present")
    expect(connection()).toBe("relayed via hub (#1, closed)")
    const bobKey = panel.one("ephemeral-entry", `[data-namespace="presence"][data-key="${BOB}"]`)
    expect(bobKey.dataset.stale).toBe("true")
    expect(panel.one("ephemeral-entry", `[data-namespace="presence"][data-key="${SELF}"]`).dataset.stale).toBe("false")
    expect(panel.one("tab-findings-counts").getAttribute("aria-label")).toBe("1 warning")
  })
})
