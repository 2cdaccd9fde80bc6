import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { PROTOCOL_VERSION } from "../../protocol/messages"
import { demoReady, panelState, waitForPanelValue } from "./support/demo-page"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")

describe("platform in Firefox ESR", () => {
  let firefox: FirefoxSession
  beforeAll(async () => {
    firefox = await launchFirefox()
  })
  afterAll(async () => {
    await firefox?.close()
  })

  it("defines the hook before the page's first script runs", async () => {
    const page = await firefox.browser.newPage()
    await page.goto(`${fixtureUrl}/first-script.html`)
    expect(await page.evaluate(() => (window as any).hookAtFirstScript)).toBe("function")
    await page.close()
  })

  it("carries messages page -> panel and panel -> page, and drops hostile ones", async () => {
    const { page, tabId } = await firefox.openTab(`${demoUrl}/?room=platform-ff&name=frank`)
    const [peerId] = await demoReady(page)
    const panel = await firefox.openPanel(tabId)
    await waitFor(
      () => page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening === true),
      "the panel's subscribe to reach the hook",
    )
    await waitFor(
      () => panel.evaluate(() => document.querySelector('[data-testid="repo-item"][data-label="frank"]') !== null),
      "frank's repo in the panel",
    )
    const posted = await page.evaluate(async protocol => {
      const bad = [
        { source: "elsewhere" },
        { source: "ephemera:page", protocol: protocol + 1, batchJson: JSON.stringify({ seq: 1, messages: [] }), count: 1 },
        { source: "ephemera:page", protocol, batchJson: { seq: 1, messages: [{ type: "hook/pong", nonce: new Date() }] }, count: 1 },
        // Passes the relay unparsed; the panel counts it.
        { source: "ephemera:page", protocol, batchJson: "{not json", count: 1 },
        { source: "ephemera:relay", protocol, nonce: "forged", message: { type: "panel/unsubscribe" } },
      ]
      for (let i = 0; i < 1_000; i++) {
        window.postMessage(bad[i % bad.length], "*")
        if (i % 100 === 0) (window as any).demo.peers[0].setCursor(i, i)
      }
      ;(window as any).demo.peers[0].setCursor(7, 7)
      return 1_000
    }, PROTOCOL_VERSION)
    await waitFor(
      async () => Number(await panel.evaluate(() => document.querySelector('[data-testid="relay-dropped"]')?.textContent)) >= posted,
      "the drop counter",
    )
    await waitForPanelValue(panel, "frank", "cursor", peerId!, { x: 7, y: 7 }, "the legitimate cursor value")
    expect((await panelState(panel)).lost).toBe(0)
    await panel.close()
    await page.close()
  })
})
