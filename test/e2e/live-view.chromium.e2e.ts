import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { demoReady, panelState, peerNames } from "./support/demo-page"
import { describeDifference, pageMaps, panelMaps } from "./support/fidelity"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")
const NAMESPACES = ["presence", "cursor", "typing"]

describe("live view in Chromium", () => {
  let chromium: ChromiumSession
  beforeAll(async () => {
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("tells the truth after a storm of 2,000 presence updates from three tabs", async () => {
    const room = "fidelity"
    const docId = `room:${room}`
    const tabs = [
      await chromium.openTab(`${demoUrl}/?room=${room}&name=alice`),
      await chromium.openTab(`${demoUrl}/?room=${room}&name=bob`),
      await chromium.openTab(`${demoUrl}/?room=${room}&name=multi&peers=3&autopilot=0`),
    ]
    const labels = await Promise.all(tabs.map(({ page }) => peerNames(page)))
    const panels = await Promise.all(tabs.map(({ tabId }) => chromium.openPanel(tabId)))
    for (const [i, panel] of panels.entries()) {
      await waitFor(
        async () => (await panelState(panel)).repos.filter(r => !r.gone).length === labels[i]!.length,
        `panel ${i} to list its repos`,
      )
    }

    // Every peer of every tab writes cursor and typing as fast as it can.
    const perTab = await Promise.all(
      tabs.map(({ page }) =>
        page.evaluate(async () => {
          const peers = (window as any).demo.peers
          let sent = 0
          for (let i = 0; i < 700 / peers.length; i++) {
            for (const [n, peer] of peers.entries()) {
              peer.setCursor(i, n * 1000 + i)
              if (i % 10 === 0) peer.setTyping(i % 20 === 0)
              sent++
            }
            if (i % 20 === 0) await new Promise(resolve => setTimeout(resolve, 0))
          }
          return sent
        }),
      ),
    )
    expect(perTab.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2_000)

    for (const [i, { page }] of tabs.entries()) {
      let last = ""
      await waitFor(
        async () => {
          const expected = await pageMaps(page, NAMESPACES)
          const actual = await panelMaps(panels[i]!, labels[i]!, NAMESPACES, docId)
          last = describeDifference(expected, actual)
          // Settled means every peer sees all five of them, and the panel agrees.
          const settled = Object.values(expected).every(maps => Object.keys(maps.cursor ?? {}).length === 5)
          return settled && last === ""
        },
        `panel ${i} to equal its page`,
        30_000,
      ).catch(error => {
        throw new Error(`${error.message}\n${last}`)
      })
    }
    expect((await panelState(panels[0]!)).lost).toBe(0)
    for (const { page } of tabs) await page.close()
    for (const panel of panels) await panel.close()
  })

  it("shows a peer as gone when its tab closes", async () => {
    const room = "leaving"
    const stay = await chromium.openTab(`${demoUrl}/?room=${room}&name=stays`)
    const leave = await chromium.openTab(`${demoUrl}/?room=${room}&name=leaves`)
    await demoReady(stay.page)
    const [leavingPeer] = await demoReady(leave.page)
    const panel = await chromium.openPanel(stay.tabId)
    await panel.locator('[data-testid="repo-item"][data-label="stays"]').click()
    await panel.locator(`[data-testid="room-item"][data-doc-id="room:${room}"]`).click()
    const row = panel.locator(`[data-testid="member-row"][data-peer-id="${leavingPeer}"]`)
    await waitFor(async () => (await row.getAttribute("data-present")) === "true", "the other peer present")
    await leave.page.close()
    // The hub removes a peer's presence as soon as its last channel closes;
    // one heartbeat interval (10 s) is the most the repo itself would take.
    await waitFor(async () => (await row.getAttribute("data-present")) === "false", "the peer shown as gone", 10_000)
    await panel.close()
    await stay.page.close()
  })

  it("finds an unregistered repo on window and attaches one by expression", async () => {
    const { page, tabId } = await chromium.openTab(`${demoUrl}/?room=discover&name=gus&peers=2&register=0`)
    await demoReady(page)
    const panel = await chromium.openPanel(tabId)
    await waitFor(() => panel.locator('[data-testid="repo-item"]').count(), "the discovered repo")
    expect(await panel.locator('[data-testid="repo-item"]').count()).toBe(1)
    await panel.getByTestId("attach-input").fill("demo.peers.1.repo")
    await panel.getByTestId("attach-button").click()
    await waitFor(async () => (await panel.locator('[data-testid="repo-item"]').count()) === 2, "the attached repo")
    await panel.getByTestId("attach-input").fill("demo.nothing.here")
    await panel.getByTestId("attach-button").click()
    await waitFor(async () => (await panel.getByTestId("attach-error").textContent())?.includes("nothing"), "a clear attach error")
    await panel.close()
    await page.close()
  })

  it("says so when the page has no repo, with the snippet to add", async () => {
    const page = await chromium.context.newPage()
    await page.goto(`${fixtureUrl}/first-script.html`)
    await page.bringToFront()
    const tabId = await (await chromium.serviceWorker()).evaluate(
      async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]!.id!,
    )
    const panel = await chromium.openPanel(tabId)
    await waitFor(
      async () => (await panel.getByTestId("empty-state").textContent())?.includes("__EPHEMERA_DEVTOOLS_HOOK__?.register(repo"),
      "the empty state",
    )
    await panel.close()
    await page.close()
  })
})
