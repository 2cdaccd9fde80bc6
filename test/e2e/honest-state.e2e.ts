/**
 * The panel says what is live and what is not: after the page navigates
 * away the old state stays, under a banner; after the hub restarts, the Sync
 * view shows the new hub's ready state and calls the old hub disconnected.
 */
import { describe, expect, inject, it } from "vitest"
import { startHub, type Hub } from "../../demo/server/hub"
import { demoReady } from "./support/demo-page"
import { attribute, count, datasets, domClick, testId, text } from "./support/dom"
import { DEMO_DIST } from "./support/paths"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")

describe.each(BROWSERS)("honest state in %s", name => {
  const browser = browserSession(name)

  it("after navigation away, the last state stays under a stale banner", async () => {
    const { page, tabId } = await browser.openTab(`${demoUrl}/?room=leave-page-${name}&name=nav`)
    await demoReady(page)
    const panel = await browser.openPanel(tabId)
    const entries = () => count(panel, testId("ephemeral-entry"))
    await waitFor(async () => (await entries()) > 0, "the room's entries")
    expect(await count(panel, testId("stale-banner"))).toBe(0)
    const shownBefore = await entries()

    await page.goto(`${fixtureUrl}/first-script.html`)
    await waitFor(async () => (await count(panel, testId("stale-banner"))) === 1, "the stale banner")
    expect(await text(panel, testId("stale-banner"))).toMatch(/Showing the last state received at \d\d:\d\d:\d\d/)
    expect(await entries()).toBe(shownBefore)
    const presence = (await datasets(panel, testId("member-presence"))).map(member => member.text)
    expect(presence.length).toBeGreaterThan(0)
    expect(
      presence.every(shown => shown === "present when last seen"),
      JSON.stringify(presence),
    ).toBe(true)
    await panel.close()
    await page.close()
  })

  it("after the hub restarts, Sync shows the new hub's ready state and the old hub as disconnected", async () => {
    let hub: Hub = await startHub({ port: 0, staticDir: DEMO_DIST, warn: () => {} })
    const port = hub.port
    try {
      const { page, tabId } = await browser.openTab(`${hub.url}/?room=hub-restart&name=sync`)
      await demoReady(page)
      const oldHub = hub.repo.identity.peerId
      const panel = await browser.openPanel(tabId)
      await waitFor(async () => (await count(panel, testId("tab-sync"))) === 1, "the panel")
      await domClick(panel, testId("tab-sync"))
      const row = (peerId: string) => testId("sync-row", `[data-peer-id="${peerId}"][data-doc-id="room:hub-restart"]`)
      const live = (ready: string | null) => ready !== null && ready !== "" && ready !== "disconnected"
      await waitFor(async () => live(await attribute(panel, row(oldHub), "data-ready")), "the first hub's ready state")

      await hub.close()
      hub = await startHub({ port, staticDir: DEMO_DIST, warn: () => {} })
      const newHub = hub.repo.identity.peerId
      expect(newHub).not.toBe(oldHub)
      await waitFor(async () => (await count(panel, row(newHub))) === 1, "the new hub in the Sync view", 30_000)
      await waitFor(async () => live(await attribute(panel, row(newHub), "data-ready")), "the new hub's ready state", 30_000)
      expect(await text(panel, row(newHub))).toContain("network established")
      await waitFor(async () => (await attribute(panel, row(oldHub), "data-status")) === "disconnected", "the old hub as disconnected")
      expect(await attribute(panel, row(oldHub), "data-ready")).toBe("disconnected")
      expect(await text(panel, row(oldHub))).not.toContain("network established")
      await panel.close()
      await page.close()
    } finally {
      await hub.close()
    }
  })
})
