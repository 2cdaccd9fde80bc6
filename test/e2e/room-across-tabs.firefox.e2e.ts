/**
 * A room across tabs in real Firefox ESR: three demo tabs of one site and
 * one of another origin in the same room; a same-millisecond burst shows as
 * diverged in the inspected tab's panel, and the next write ends it.
 */
import { describe, expect, inject, it } from "vitest"
import { canonicalJson } from "./support/canonical-json"
import { demoReady } from "./support/demo-page"
import { browserSession } from "./support/scenario"
import { burstUntilDiverged, openAcrossTabs, rowOf, stopHeartbeats, tabsView } from "./support/tabs-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

describe("room across tabs in Firefox ESR", () => {
  const firefox = browserSession("firefox")

  it("flags a same-millisecond burst as diverged, never shows another origin's tab", async () => {
    const room = `tabs-ff-${Date.now()}`
    const alice = await firefox.openTab(`${demoUrl}/?room=${room}&name=alice`)
    const bob = await firefox.openTab(`${demoUrl}/?room=${room}&name=bob`)
    const carol = await firefox.openTab(`${demoUrl}/?room=${room}&name=carol`)
    const elsewhere = await firefox.openTab(`${demoUrl.replace("127.0.0.1", "localhost")}/?room=${room}&name=mallory`)
    const [bobPeer] = await demoReady(bob.page)
    await Promise.all([alice, carol, elsewhere].map(({ page }) => demoReady(page)))

    const panel = await firefox.openPanel(alice.tabId)
    await openAcrossTabs(panel, 0.5, `room:${room}`)
    await waitFor(
      async () => {
        const view = await tabsView(panel)
        return (
          view.tabs === 2 &&
          view.columns
            .map(column => column.label)
            .sort()
            .join() === "alice,bob,carol"
        )
      },
      "the three tabs of the site side by side",
      30_000,
    )
    expect((await tabsView(panel)).columns.some(column => column.tabId === String(elsewhere.tabId))).toBe(false)

    for (const { page } of [alice, bob, carol, elsewhere]) await stopHeartbeats(page)
    const { row } = await burstUntilDiverged(bob.page, panel, bobPeer!)
    // A tie; or already re-stamped by a receiver's heartbeat, which keeps the receiver's stale value.
    expect(["tie", "restamped"]).toContain(row.kind)
    const columns = (await tabsView(panel)).columns
    const copyOf = (label: string) => JSON.parse(row.copies[columns.findIndex(column => column.label === label)]!)
    expect(copyOf("bob").x - copyOf("alice").x).toBe(1)
    expect(copyOf("carol")).toEqual(copyOf("alice"))

    await bob.page.evaluate(() => (window as any).demo.peers[0].setCursor(500, 500))
    await waitFor(async () => {
      const current = await rowOf(panel, "cursor", bobPeer!)
      return (
        current?.status === "same" &&
        current.copies.every(copy => copy !== "" && canonicalJson(JSON.parse(copy)) === canonicalJson({ x: 500, y: 500 }))
      )
    }, "the key no longer diverged after bob's next write")

    await panel.close()
    for (const { page } of [alice, bob, carol, elsewhere]) await page.close()
  })
})
