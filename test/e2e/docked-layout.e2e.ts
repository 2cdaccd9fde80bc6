/**
 * The panel docked in narrow or short DevTools: values stay readable, every
 * member can be reached, panes scroll inside themselves, and the sidebar
 * resizes and folds, remembered across a reopen. Screenshots of each size are
 * left in SCREENSHOT_DIR for a person to look at.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, inject, it } from "vitest"
import { peerNames } from "./support/demo-page"
import { count, testId } from "./support/dom"
import { measureDockedLayout, SCREENSHOT_DIR } from "./support/docked-layout"
import { browserSession } from "./support/scenario"
import { BROWSERS, type SessionPage } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
/** Peers the demo page hosts: with the hub, more members than a short pane shows at once. */
const PEERS = 10

const sidebarWidth = (panel: SessionPage) =>
  panel.evaluate(() => document.querySelector('[data-testid="sidebar"]')?.getBoundingClientRect().width)

describe.each(BROWSERS)("docked layouts in %s", name => {
  const browser = browserSession(name)
  let panel: SessionPage
  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    const { page, tabId } = await browser.openTab(`${demoUrl}/?room=docked-${name}&name=dock&peers=${PEERS}&autopilot=0`)
    await peerNames(page)
    panel = await browser.openPanel(tabId)
    await waitFor(async () => (await count(panel, testId("member-row"))) >= PEERS, "every member in the panel", 30_000)
  })

  it("docked right (500 x 800): values stay visible, every member is reachable, panes scroll inside", async () => {
    await panel.setViewportSize({ width: 500, height: 800 })
    const layout = await waitFor(async () => {
      const measured = await measureDockedLayout(panel)
      return measured.viewport.width === 500 ? measured : undefined
    }, "the 500 px layout")
    await panel.screenshot(join(SCREENSHOT_DIR, `${name}-500x800.png`))
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
    await panel.screenshot(join(SCREENSHOT_DIR, `${name}-1200x300.png`))
    expect(layout.sideBySide).toBe(true)
    expect(layout.membersOnScreen).toBeGreaterThanOrEqual(6)
    expect(layout.lastMemberReachable).toBe(true)
    expect(layout.valuesOnScreen).toBeGreaterThanOrEqual(4)
    expect(layout.narrowestValue).toBeGreaterThanOrEqual(200)
    expect(layout.pageOverflows).toBe(false)
  })

  it("the sidebar resizes by drag and folds away, and both are remembered after a reopen", async () => {
    await panel.setViewportSize({ width: 1000, height: 700 })
    const before = await waitFor(() => sidebarWidth(panel), "the sidebar at 1000 px")
    await panel.drag(testId("sidebar-splitter"), { dx: 60, dy: 0 })
    const widened = (await sidebarWidth(panel))!
    expect(Math.round(widened - before)).toBe(60)
    await panel.reload()
    await waitFor(async () => (await count(panel, testId("sidebar"))) === 1, "the sidebar after the reload")
    expect(Math.round((await sidebarWidth(panel))!)).toBe(Math.round(widened))

    await panel.click(testId("sidebar-toggle"))
    await waitFor(async () => (await count(panel, testId("sidebar"))) === 0, "the sidebar to fold")
    await panel.reload()
    await waitFor(
      async () => (await count(panel, testId("sidebar-toggle", '[data-collapsed="true"]'))) === 1,
      "still folded after the reload",
    )
    expect(await count(panel, testId("sidebar"))).toBe(0)
    await panel.click(testId("sidebar-toggle"))
    await waitFor(async () => (await count(panel, testId("sidebar"))) === 1, "the sidebar back")
  })
})
