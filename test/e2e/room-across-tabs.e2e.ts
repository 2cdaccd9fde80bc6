/**
 * A room across tabs, in Chromium and Firefox ESR: the demo with its hub and three tabs
 * of one site, the panel of one of them comparing all three. A burst of
 * same-millisecond writes in one tab shows as a diverged key from the
 * receivers' side, and the next ordinary write ends it. A tab of another
 * origin in the same room is never shown.
 */
import { describe, expect, inject, it } from "vitest"
import { canonicalJson } from "./support/canonical-json"
import { demoReady, panelState } from "./support/demo-page"
import { datasets, testId } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import { burstUntilDiverged, openAcrossTabs, rowOf, stopHeartbeats, tabsView } from "./support/tabs-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

describe.each(BROWSERS)("room across tabs in %s", name => {
  const browser = browserSession(name)

  it("flags a same-millisecond burst as diverged, until the next ordinary write", async () => {
    const room = `tabs-${name}-${Date.now()}`
    const alice = await browser.openTab(`${demoUrl}/?room=${room}&name=alice`)
    const bob = await browser.openTab(`${demoUrl}/?room=${room}&name=bob`)
    const carol = await browser.openTab(`${demoUrl}/?room=${room}&name=carol`)
    // The same hub and room, reached as another origin: in the room, never in the comparison.
    const elsewhere = await browser.openTab(`${demoUrl.replace("127.0.0.1", "localhost")}/?room=${room}&name=mallory`)
    const [bobPeer] = await demoReady(bob.page)
    await Promise.all([alice, carol, elsewhere].map(({ page }) => demoReady(page)))
    const [malloryPeer] = await demoReady(elsewhere.page)

    const panel = await browser.openPanel(alice.tabId)
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
    const view = await tabsView(panel)
    expect(view.columns.map(column => column.tabId).sort()).toEqual([String(bob.tabId), String(carol.tabId), "self"].sort())
    // Mallory is in the room (alice's own store holds her presence) but her tab is another origin's.
    await waitFor(
      async () => (await panelState(panel)).repos.some(repo => repo.rooms.some(r => r.namespaces.presence?.[malloryPeer!] !== undefined)),
      "mallory's presence at alice",
    )
    expect(view.columns.some(column => column.tabId === String(elsewhere.tabId) || column.label === "mallory")).toBe(false)

    for (const { page } of [alice, bob, carol, elsewhere]) await stopHeartbeats(page)
    const { row, ms, x } = await burstUntilDiverged(bob.page, panel, bobPeer!)
    // A tie; or already re-stamped by a receiver's heartbeat, which keeps the receiver's stale value.
    expect(["tie", "restamped"]).toContain(row.kind)
    // Bob's own copy holds his last write; alice and carol kept his first.
    const columns = (await tabsView(panel)).columns
    const copyOf = (label: string) => JSON.parse(row.copies[columns.findIndex(column => column.label === label)]!)
    expect(copyOf("bob").x - copyOf("alice").x).toBe(1)
    expect(copyOf("carol")).toEqual(copyOf("alice"))

    // Alice's own store, in her Live view: the key's history shows bob's second write refused as a tie.
    await panel.click(testId("tab-live"))
    await panel.click(testId("room-item", `[data-doc-id="room:${room}"]`))
    await panel.click(testId("ephemeral-entry", `[data-namespace="cursor"][data-key="${bobPeer}"] [data-testid="entry-history"]`))
    const steps = () => datasets(panel, testId("history-step"))
    const ofBurst = (value: number) => async () =>
      (await steps()).find(
        step =>
          step.timestamp === String(ms) && step.json !== "" && canonicalJson(JSON.parse(step.json!)) === canonicalJson({ x: value, y: 1 }),
      )
    const lost = await waitFor(ofBurst(x + 1), "bob's second write in the key's history")
    expect(lost).toMatchObject({ decision: "refused-tie", writer: bobPeer })
    expect(await ofBurst(x)()).toMatchObject({ decision: "accepted", effect: "changed", writer: bobPeer })
    await panel.click(testId("tab-tabs"))

    await bob.page.evaluate(() => (window as any).demo.peers[0].setCursor(500, 500))
    await waitFor(async () => {
      const current = await rowOf(panel, "cursor", bobPeer!)
      return (
        current?.status === "same" &&
        current.copies.every(copy => copy !== "" && canonicalJson(JSON.parse(copy)) === canonicalJson({ x: 500, y: 500 }))
      )
    }, "the key no longer diverged after bob's next write")

    // The browser stops the background (Chromium's service worker, Firefox's event page): the watch comes back with the hellos, and bob's tab is read again.
    await browser.stopBackground()
    await bob.page.evaluate(() => (window as any).demo.peers[0].setCursor(600, 600))
    await waitFor(
      async () => {
        const current = await rowOf(panel, "cursor", bobPeer!)
        return (
          current?.copies.length === 3 &&
          current.copies.every(copy => copy !== "" && canonicalJson(JSON.parse(copy)) === canonicalJson({ x: 600, y: 600 }))
        )
      },
      "every tab's copy read again after the background restarted",
      30_000,
    )

    await panel.close()
    for (const { page } of [alice, bob, carol, elsewhere]) await page.close()
  })
})
