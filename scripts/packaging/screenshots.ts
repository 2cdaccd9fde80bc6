/**
 * Store screenshots, taken from the demo app by the real extension so they
 * show the panel as it is today: Chromium with the built extension, the demo
 * hub on a free port, one page with three peers (two of them move on their
 * own), and the panel at 1280 x 800 (the size both stores take) on each of
 * its views. Each shot waits for what it shows, never for a time.
 */
import { mkdirSync } from "node:fs"
import { resolve } from "node:path"
import type { Page } from "playwright-core"
import { startHub } from "../../demo/server/hub"
import { launchChromiumBrowser } from "../../test/e2e/support/chromium"
import { demoReady } from "../../test/e2e/support/demo-page"
import { DEMO_DIST } from "../../test/e2e/support/paths"
import { addPeers, openSimulate } from "../../test/e2e/support/simulate-panel"
import { waitFor } from "../../test/e2e/support/wait"

export const SCREENSHOT_SIZE = { width: 1280, height: 800 } as const

/** File name -> what it shows; in listing order. */
const SHOTS = ["1-live.png", "2-simulate.png", "3-log.png", "4-sync.png", "5-record.png"] as const

export async function takeScreenshots(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const hub = await startHub({ port: 0, staticDir: DEMO_DIST, warn: () => {} })
  const chromium = await launchChromiumBrowser()
  try {
    const { page, tabId } = await chromium.openTab(`${hub.url}/?room=listing&name=ada&peers=3`)
    await demoReady(page)
    await page.evaluate(() =>
      (window as unknown as { demo: { peers: Array<{ setCursor(x: number, y: number): void }> } }).demo.peers[0]!.setCursor(320, 180),
    )
    const panel = await chromium.openPanel(tabId)
    await panel.setViewportSize(SCREENSHOT_SIZE)
    const shoot = async (name: (typeof SHOTS)[number]) => {
      await panel.screenshot({ path: resolve(dir, name) })
      return resolve(dir, name)
    }
    const files: string[] = []

    await panel.locator('[data-testid="repo-item"][data-label="ada"]').click()
    await panel.locator('[data-testid="room-item"][data-doc-id="room:listing"]').click()
    await waitForCount(panel, '[data-testid="ephemeral-entry"][data-namespace="cursor"]', 3)
    files.push(await shoot("1-live.png"))

    await openSimulate(panel)
    await addPeers(panel, { name: "walker", count: 3, visibility: "network", cursorHz: 10 })
    files.push(await shoot("2-simulate.png"))

    await panel.locator('[data-testid="tab-log"]').click()
    await waitForCount(panel, '[data-testid="log-row"]', 10)
    await panel.locator('[data-testid="log-row"]').first().click()
    await waitForCount(panel, '[data-testid="log-detail"]', 1)
    files.push(await shoot("3-log.png"))

    await panel.locator('[data-testid="tab-sync"]').click()
    await waitForCount(panel, '[data-testid="sync-row"]', 1)
    files.push(await shoot("4-sync.png"))

    await panel.locator('[data-testid="tab-record"]').click()
    await panel.locator('[data-testid="rec-start"]').click()
    // A recording with some events in it before it stops ("12 s · 1,234 events · 0 marks").
    await waitFor(async () => {
      const status = (await panel.locator('[data-testid="rec-status"]').textContent()) ?? ""
      return Number(/([\d,]+) events/.exec(status)?.[1]?.replaceAll(",", "") ?? 0) >= 100 || undefined
    }, "events in the recording")
    await panel.locator('[data-testid="rec-stop"]').click()
    await waitForCount(panel, '[data-testid="timeline"]', 1)
    files.push(await shoot("5-record.png"))
    return files
  } finally {
    await chromium.close()
    await hub.close()
  }
}

function waitForCount(panel: Page, selector: string, atLeast: number): Promise<true> {
  return waitFor(async () => (await panel.locator(selector).count()) >= atLeast || undefined, `${atLeast} × ${selector}`)
}
