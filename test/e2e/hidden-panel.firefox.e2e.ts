/**
 * A panel that is not on screen (a background tab here; DevTools showing
 * another tool is the same to the page) still applies each batch as it
 * arrives: no animation frame comes there, and the timer that stood in for
 * one delivered updates in bursts. Firefox only: headless Chromium keeps a
 * tab behind another one visible, so its panel cannot be hidden this way.
 */
import { describe, expect, inject, it } from "vitest"
import { PANEL_PORT, PROTOCOL_VERSION } from "../../protocol/messages"
import { demoReady } from "./support/demo-page"
import { attribute, testId } from "./support/dom"
import { browserSession } from "./support/scenario"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")
/** Cursor writes, one per hook flush or so (the hook flushes every 50 ms). */
const WRITES = 40
const WRITE_GAP_MS = 40

describe("a hidden panel in Firefox", () => {
  const browser = browserSession("firefox")

  it("applies each batch as it arrives, not in bursts", async () => {
    const { page, tabId } = await browser.openTab(`${demoUrl}/?room=hidden-panel&name=vera&autopilot=0`)
    const [peerId] = await demoReady(page)
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(0, 0))
    const panel = await browser.openPanel(tabId)
    await panel.click(testId("repo-item", '[data-label="vera"]'))
    await panel.click(testId("room-item", '[data-doc-id="room:hidden-panel"]'))
    const value = testId("ephemeral-entry", `[data-namespace="cursor"][data-key="${peerId}"] [data-testid="entry-value"]`)
    await waitFor(async () => (await attribute(panel, value, "data-json")) !== null, "the cursor entry in the panel")

    // Another tab in front: the panel's tab is hidden and gets no animation frames.
    const front = await browser.openTab(`${fixtureUrl}/first-script.html`)
    await waitFor(() => panel.evaluate(() => document.visibilityState === "hidden"), "the panel to be hidden")
    // Count the batches the background routes to this tab's panels (on a
    // second panel port of the same page, listening only: the hook's private
    // channel is out of any page's reach) and how often the panel shows a new
    // cursor value.
    await panel.evaluate(
      ({ selector, port: name, protocol, tabId: inspected }) => {
        const w = window as any
        w.__updates = 0
        w.__batches = new Set<number>()
        const port = w.browser.runtime.connect({ name })
        port.onMessage.addListener((message: { type?: string; seq?: number }) => {
          if (message.type === "background/page-batch") w.__batches.add(message.seq)
        })
        port.postMessage({ type: "panel/hello", protocol, tabId: inspected })
        new MutationObserver(() => w.__updates++).observe(document.querySelector(selector)!, {
          attributes: true,
          attributeFilter: ["data-json"],
        })
      },
      { selector: value, port: PANEL_PORT, protocol: PROTOCOL_VERSION, tabId },
    )

    for (let i = 1; i <= WRITES; i++) {
      await page.evaluate((n: number) => (window as any).demo.peers[0].setCursor(n, n), i)
      await new Promise(resolve => setTimeout(resolve, WRITE_GAP_MS))
    }
    await waitFor(
      async () => (await attribute(panel, value, "data-json"))?.includes(`"x":${WRITES}`),
      "the last cursor value in the hidden panel",
    )
    const batches: number = await panel.evaluate(() => (window as any).__batches.size)
    const updates: number = await panel.evaluate(() => (window as any).__updates)
    expect(batches, "the background routed batch after batch").toBeGreaterThanOrEqual(10)
    // Applied as they came: one update per batch (bursts gave about one per two to five).
    expect(updates / batches, `${updates} updates for ${batches} batches`).toBeGreaterThan(0.85)
    await Promise.all([front.page.close(), panel.close(), page.close()])
  })
})
