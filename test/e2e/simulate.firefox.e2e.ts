/**
 * Simulated peers in Firefox ESR, a smaller version of the Chromium suite:
 * one network-wide peer reaches tab B and moves there, a local-only one stays
 * in tab A, and "Remove all" clears both tabs.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { demoReady } from "./support/demo-page"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { addPeers, clickIn, openSimulate, pageKnows, simRows, waitForMovingCursors } from "./support/simulate-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
/** Shorter than Chromium's two heartbeats: the heartbeat filter is the same code, checked there. */
const LOCAL_ONLY_WINDOW_MS = 3_000

describe("simulated peers in Firefox ESR", () => {
  let firefox: FirefoxSession
  beforeAll(async () => {
    firefox = await launchFirefox()
  })
  afterAll(async () => {
    await firefox?.close()
  })

  it("shows a network-wide peer in tab B, keeps a local-only one in tab A, and removes both", async () => {
    const room = "sim-ff"
    const a = await firefox.openTab(`${demoUrl}/?room=${room}&name=ann`)
    const b = await firefox.openTab(`${demoUrl}/?room=${room}&name=ben`)
    await Promise.all([demoReady(a.page), demoReady(b.page)])
    await a.page.evaluate(() => (window as any).demo.peers[0].setCursor(150, 120))
    await b.page.evaluate(() => (window as any).demo.peers[0].setCursor(500, 380))
    const panel = await firefox.openPanel(a.tabId)
    await openSimulate(panel)

    const [wide] = await addPeers(panel, { name: "fox", count: 1, visibility: "network", cursorHz: 20 })
    const [rendered] = await waitForMovingCursors(b.page, [wide!.id], "tab B")
    expect(rendered!.name).toBe("fox")

    const [local] = await addPeers(panel, { name: "den", count: 1, visibility: "local" })
    await waitForMovingCursors(a.page, [local!.id], "tab A")
    const started = Date.now()
    while (Date.now() - started < LOCAL_ONLY_WINDOW_MS) {
      expect(await pageKnows(b.page, local!.id)).toEqual({ dom: false, stores: [] })
      await new Promise(resolve => setTimeout(resolve, 100))
    }

    await clickIn(panel, '[data-testid="sim-remove-all"]')
    await waitFor(async () => (await simRows(panel)).length === 0, "the panel's list to empty")
    for (const [tab, page] of [
      ["A", a.page],
      ["B", b.page],
    ] as const) {
      await waitFor(async () => {
        const known = await Promise.all([wide!.id, local!.id].map(id => pageKnows(page, id)))
        return known.every(seen => !seen.dom && seen.stores.length === 0)
      }, `tab ${tab} to forget the simulated peers`)
    }
    await panel.close()
    await a.page.close()
    await b.page.close()
  })
})
