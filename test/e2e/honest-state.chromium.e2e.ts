/**
 * The panel says what is live and what is not: after the page navigates
 * away the old state stays, under a banner; after the hub restarts, the Sync
 * view shows the new hub's ready state and calls the old hub disconnected.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { startHub, type Hub } from "../../demo/server/hub"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { demoReady } from "./support/demo-page"
import { DEMO_DIST } from "./support/paths"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")

describe("honest state in Chromium", () => {
  let chromium: ChromiumSession
  beforeAll(async () => {
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("after navigation away, the last state stays under a stale banner", async () => {
    const { page, tabId } = await chromium.openTab(`${demoUrl}/?room=leave-page&name=nav`)
    await demoReady(page)
    const panel = await chromium.openPanel(tabId)
    const entries = panel.locator('[data-testid="ephemeral-entry"]')
    await waitFor(async () => (await entries.count()) > 0, "the room's entries")
    expect(await panel.locator('[data-testid="stale-banner"]').count()).toBe(0)
    const shownBefore = await entries.count()

    await page.goto(`${fixtureUrl}/first-script.html`)
    const banner = panel.locator('[data-testid="stale-banner"]')
    await waitFor(async () => (await banner.count()) === 1, "the stale banner")
    expect(await banner.textContent()).toMatch(/Showing the last state received at \d\d:\d\d:\d\d/)
    expect(await entries.count()).toBe(shownBefore)
    const presence = await panel.locator('[data-testid="member-presence"]').allTextContents()
    expect(presence.every(text => text === "present when last seen")).toBe(true)
    await panel.close()
    await page.close()
  })

  it("after the hub restarts, Sync shows the new hub's ready state and the old hub as disconnected", async () => {
    let hub: Hub = await startHub({ port: 0, staticDir: DEMO_DIST, warn: () => {} })
    const port = hub.port
    try {
      const { page, tabId } = await chromium.openTab(`${hub.url}/?room=hub-restart&name=sync`)
      await demoReady(page)
      const oldHub = hub.repo.identity.peerId
      const panel = await chromium.openPanel(tabId)
      await waitFor(async () => (await panel.locator('[data-testid="tab-sync"]').count()) === 1, "the panel")
      await panel.locator('[data-testid="tab-sync"]').click()
      const row = (peerId: string) => panel.locator(`[data-testid="sync-row"][data-peer-id="${peerId}"][data-doc-id="room:hub-restart"]`)
      const live = (ready: string | null) => ready !== null && ready !== "" && ready !== "disconnected"
      await waitFor(
        async () =>
          live(
            await row(oldHub)
              .getAttribute("data-ready")
              .catch(() => null),
          ),
        "the first hub's ready state",
      )

      await hub.close()
      hub = await startHub({ port, staticDir: DEMO_DIST, warn: () => {} })
      const newHub = hub.repo.identity.peerId
      expect(newHub).not.toBe(oldHub)
      await waitFor(async () => (await row(newHub).count()) === 1, "the new hub in the Sync view", 30_000)
      await waitFor(async () => live(await row(newHub).getAttribute("data-ready")), "the new hub's ready state", 30_000)
      expect(await row(newHub).textContent()).toContain("network established")
      await waitFor(async () => (await row(oldHub).getAttribute("data-status")) === "disconnected", "the old hub as disconnected")
      expect(await row(oldHub).getAttribute("data-ready")).toBe("disconnected")
      expect(await row(oldHub).textContent()).not.toContain("network established")
      await panel.close()
      await page.close()
    } finally {
      await hub.close()
    }
  })
})
