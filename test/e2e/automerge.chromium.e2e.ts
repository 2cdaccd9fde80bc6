/**
 * The automerge-repo demo in real Chromium: pages on the registry's
 * WebSocketClientAdapter, behind automerge-repo's own NodeWSServerAdapter,
 * with Presence carrying user, cursor and typing. The panel must equal what
 * each page's Presence reports, and decode the ephemeral messages' CBOR.
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { automergeDocId, presenceStorm, waitForPresenceTruth } from "./support/automerge-demo"
import { automergeRecordAndReplay } from "./support/automerge-recording"
import { simulatedPeersRoundTrip } from "./support/automerge-simulate"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { demoReady, panelState, peerNames } from "./support/demo-page"
import { clickTestId, testIdText } from "./support/recording-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("automergeDemoUrl")

describe("automerge-repo demo in Chromium", () => {
  let chromium: ChromiumSession
  beforeAll(async () => {
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("shows exactly what each page's Presence holds after a storm from two tabs", async () => {
    const room = "am-fidelity"
    const tabs = [
      await chromium.openTab(`${demoUrl}/?room=${room}&name=alma`),
      await chromium.openTab(`${demoUrl}/?room=${room}&name=multi&peers=3&autopilot=0`),
    ]
    const labels = await Promise.all(tabs.map(({ page }) => peerNames(page)))
    const docId = await automergeDocId(tabs[0]!.page)
    const panels = await Promise.all(tabs.map(({ tabId }) => chromium.openPanel(tabId)))
    for (const [i, panel] of panels.entries()) {
      await waitFor(
        async () => (await panelState(panel)).repos.filter(r => !r.gone).length === labels[i]!.length,
        `panel ${i} to list its repos`,
      )
    }
    const sent = await Promise.all(tabs.map(({ page }) => presenceStorm(page, 300)))
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1_200)
    for (const [i, { page }] of tabs.entries()) await waitForPresenceTruth(page, panels[i]!, labels[i]!, docId, 4)
    expect((await panelState(panels[0]!)).lost).toBe(0)
    for (const { page } of tabs) await page.close()
    for (const panel of panels) await panel.close()
  })

  it("decodes an ephemeral message's CBOR in the Log: a Presence update, its sender, session and count", async () => {
    const room = "am-log"
    const watcher = await chromium.openTab(`${demoUrl}/?room=${room}&name=wren`)
    const writer = await chromium.openTab(`${demoUrl}/?room=${room}&name=otto&autopilot=0`)
    await demoReady(watcher.page)
    const [ottoId] = await demoReady(writer.page)
    const docId = await automergeDocId(watcher.page)
    const panel: Page = await chromium.openPanel(watcher.tabId)
    await panel.setViewportSize({ width: 1400, height: 900 })
    await waitFor(async () => (await panelState(panel)).repos.length === 1, "wren's repo")
    await panel.getByTestId("tab-log").click()
    await panel.locator('[data-testid="log-filter-kind"][data-kind="channel-in"]').click({ modifiers: ["Shift"] })
    await panel.getByTestId("log-search").fill("4242")
    await writer.page.evaluate(() => (window as any).demo.peers[0].setCursor(4242, 9191))
    const row = panel.locator('[data-testid="log-row"]').first()
    await waitFor(() => row.isVisible(), "otto's update arriving at wren")
    await row.click()
    const payload = panel.locator('[data-testid="decoded-payload"]').first()
    await waitFor(() => payload.isVisible(), "the decoded payload")
    expect(await payload.getAttribute("data-kind")).toBe("presence update")
    expect(await payload.getAttribute("data-sender")).toBe(ottoId)
    expect(await payload.getAttribute("data-doc-id")).toBe(docId)
    expect(await payload.getAttribute("data-session")).not.toBe("")
    expect(Number(await payload.getAttribute("data-count"))).toBeGreaterThan(0)
    const entry = panel.locator('[data-testid="decoded-entry"][data-key="cursor"]')
    expect(await entry.getAttribute("data-peer")).toBe(ottoId)
    expect(await entry.textContent()).toMatch(/4242[\s\S]*9191/)
    await panel.close()
    await writer.page.close()
    await watcher.page.close()
  })

  it("brings simulated peers into the app through Presence's protocol, and keeps a local one in its tab", async () => {
    const room = "am-sim"
    const a = await chromium.openTab(`${demoUrl}/?room=${room}&name=ann`)
    const b = await chromium.openTab(`${demoUrl}/?room=${room}&name=ben`)
    await Promise.all([demoReady(a.page), demoReady(b.page)])
    const panel = await chromium.openPanel(a.tabId)
    await simulatedPeersRoundTrip(a.page, b.page, panel, 5_000)
    await panel.close()
    await a.page.close()
    await b.page.close()
  })

  it("records a session that round-trips through a file and replays into another room", async () => {
    await automergeRecordAndReplay(
      {
        openTab: url => chromium.openTab(url),
        openPanel: tabId => chromium.openPanel(tabId),
        async openFile(panel, bytes, name) {
          const page = panel as Page
          await clickTestId(page, "tab-record")
          await page.getByTestId("rec-open-input").setInputFiles({ name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) })
          await waitFor(async () => (await testIdText(page, "rec-info"))?.includes(name), `${name} to open`)
        },
      },
      demoUrl,
      "am-rec",
    )
  })
})
