import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { peerNames } from "./support/demo-page"
import { measureDockedLayout, SCREENSHOT_DIR } from "./support/docked-layout"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const PEERS = 10

describe("docked layout in Firefox", () => {
  let firefox: FirefoxSession
  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    firefox = await launchFirefox()
  })
  afterAll(async () => {
    await firefox?.close()
  })

  it("docked right (500 x 800): values stay visible and every member is reachable", async () => {
    const { page, tabId } = await firefox.openTab(`${demoUrl}/?room=docked-ff&name=fox&peers=${PEERS}&autopilot=0`)
    await peerNames(page)
    const panel = await firefox.openPanel(tabId)
    await panel.setViewport({ width: 500, height: 800 })
    const layout = await waitFor(
      async () => {
        const count = await panel.evaluate(() => document.querySelectorAll('[data-testid="member-row"]').length)
        if (count < PEERS) return undefined
        const measured = await measureDockedLayout(panel)
        return measured.viewport.width === 500 ? measured : undefined
      },
      "every member at 500 px",
      30_000,
    )
    await panel.screenshot({ path: join(SCREENSHOT_DIR, "firefox-500x800.png") })
    expect(layout.valuesOnScreen).toBeGreaterThanOrEqual(4)
    expect(layout.narrowestValue).toBeGreaterThanOrEqual(120)
    expect(layout.lastMemberReachable).toBe(true)
    expect(layout.pageOverflows).toBe(false)
  })
})
