import { mkdirSync } from "node:fs"
import { join } from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { peerNames } from "./support/demo-page"
import { measureDockedLayout, SCREENSHOT_DIR } from "./support/docked-layout"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
/** Peers the demo page hosts: with the hub, more members than a short pane shows at once. */
const PEERS = 10

describe("docked layouts in Chromium", () => {
  let chromium: ChromiumSession
  let panel: Page
  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    chromium = await launchChromium()
    const { page, tabId } = await chromium.openTab(`${demoUrl}/?room=docked&name=dock&peers=${PEERS}&autopilot=0`)
    await peerNames(page)
    panel = await chromium.openPanel(tabId)
    await waitFor(async () => (await panel.locator('[data-testid="member-row"]').count()) >= PEERS, "every member in the panel")
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("docked right (500 x 800): values stay visible, every member is reachable, panes scroll inside", async () => {
    await panel.setViewportSize({ width: 500, height: 800 })
    const layout = await waitFor(async () => {
      const measured = await measureDockedLayout(panel)
      return measured.viewport.width === 500 ? measured : undefined
    }, "the 500 px layout")
    await panel.screenshot({ path: join(SCREENSHOT_DIR, "chromium-500x800.png") })
    expect(layout.valuesOnScreen).toBeGreaterThanOrEqual(4)
    expect(layout.narrowestValue).toBeGreaterThanOrEqual(120)
    expect(layout.memberRows).toBeGreaterThanOrEqual(PEERS)
    expect(layout.lastMemberReachable).toBe(true)
    expect(layout.pageOverflows).toBe(false)
  })

  it("docked at the bottom (1200 x 300): members beside the maps, both with rows to show", async () => {
    await panel.setViewportSize({ width: 1200, height: 300 })
    const layout = await waitFor(async () => {
      const measured = await measureDockedLayout(panel)
      return measured.viewport.height === 300 ? measured : undefined
    }, "the 300 px layout")
    await panel.screenshot({ path: join(SCREENSHOT_DIR, "chromium-1200x300.png") })
    expect(layout.sideBySide).toBe(true)
    expect(layout.membersOnScreen).toBeGreaterThanOrEqual(6)
    expect(layout.lastMemberReachable).toBe(true)
    expect(layout.valuesOnScreen).toBeGreaterThanOrEqual(4)
    expect(layout.narrowestValue).toBeGreaterThanOrEqual(200)
    expect(layout.pageOverflows).toBe(false)
  })

  it("the sidebar resizes by drag and folds away, and both are remembered after a reopen", async () => {
    await panel.setViewportSize({ width: 1000, height: 700 })
    const sidebar = panel.locator('[data-testid="sidebar"]')
    const before = (await sidebar.boundingBox())!.width
    const bar = (await panel.locator('[data-testid="sidebar-splitter"]').boundingBox())!
    await panel.mouse.move(bar.x + bar.width / 2, bar.y + 100)
    await panel.mouse.down()
    await panel.mouse.move(bar.x + bar.width / 2 + 60, bar.y + 100, { steps: 4 })
    await panel.mouse.up()
    const widened = (await sidebar.boundingBox())!.width
    expect(Math.round(widened - before)).toBe(60)
    await panel.reload()
    await waitFor(async () => (await panel.locator('[data-testid="sidebar"]').count()) === 1, "the sidebar after the reload")
    expect(Math.round((await panel.locator('[data-testid="sidebar"]').boundingBox())!.width)).toBe(Math.round(widened))

    await panel.locator('[data-testid="sidebar-toggle"]').click()
    await waitFor(async () => (await panel.locator('[data-testid="sidebar"]').count()) === 0, "the sidebar to fold")
    await panel.reload()
    await waitFor(
      async () => (await panel.locator('[data-testid="sidebar-toggle"][data-collapsed="true"]').count()) === 1,
      "still folded after the reload",
    )
    expect(await panel.locator('[data-testid="sidebar"]').count()).toBe(0)
    await panel.locator('[data-testid="sidebar-toggle"]').click()
    await waitFor(async () => (await panel.locator('[data-testid="sidebar"]').count()) === 1, "the sidebar back")
  })
})
