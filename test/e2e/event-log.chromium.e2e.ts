/**
 * The event log in real Chromium against the demo app: a page with two peers
 * (ada, and ada-2 moving its cursor on its own) behind the demo hub. A
 * scripted cursor write and note must show up as the right messages,
 * commands and decoded entries, attributed to the right peers and repos;
 * filters, search, pause, clear and the buffer size must behave.
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { demoReady, panelState } from "./support/demo-page"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

interface Peers {
  ada: { peerId: string; repoId: string }
  ada2: { peerId: string; repoId: string }
}

const rowSelector = (extra = "") => `[data-testid="log-row"]${extra}`

/** The rendered rows' data attributes (the list renders only what is in view). */
function rowData(panel: Page): Promise<Array<Record<string, string | undefined>>> {
  return panel.locator(rowSelector()).evaluateAll(rows => rows.map(row => ({ ...(row as HTMLElement).dataset })))
}

async function search(panel: Page, text: string): Promise<void> {
  await panel.getByTestId("log-search").fill(text)
}

async function soloKind(panel: Page, kind: string): Promise<void> {
  await panel.locator(`[data-testid="log-filter-kind"][data-kind="${kind}"]`).click({ modifiers: ["Shift"] })
}

async function shown(panel: Page): Promise<number> {
  return Number(await panel.getByTestId("log-count").getAttribute("data-shown"))
}

/** Opens the detail of the first row in view and returns its decoded entries. */
async function firstRowEntries(panel: Page): Promise<Array<Record<string, string | undefined>>> {
  await panel.locator(rowSelector()).first().click()
  await waitFor(() => panel.getByTestId("log-detail").isVisible(), "the detail")
  return panel
    .locator('[data-testid="decoded-entry"]')
    .evaluateAll(rows => rows.map(row => ({ ...(row as HTMLElement).dataset, text: row.textContent ?? "" })))
}

describe("event log in Chromium", () => {
  let chromium: ChromiumSession
  let page: Page
  let panel: Page
  let peers: Peers

  beforeAll(async () => {
    chromium = await launchChromium()
    const tab = await chromium.openTab(`${demoUrl}/?room=event-log&name=ada&peers=2`)
    page = tab.page
    const [ada, ada2] = await demoReady(page)
    panel = await chromium.openPanel(tab.tabId)
    await panel.setViewportSize({ width: 1400, height: 900 })
    const state = await waitFor(async () => {
      const current = await panelState(panel)
      return current.repos.filter(repo => !repo.gone).length === 2 ? current : undefined
    }, "both repos in the panel")
    const repoOf = (label: string) => state.repos.find(repo => repo.label === label)!.repoId
    peers = { ada: { peerId: ada!, repoId: repoOf("ada") }, ada2: { peerId: ada2!, repoId: repoOf("ada-2") } }
    await panel.getByTestId("tab-log").click()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("logs a cursor write as the messages, commands and decoded entries of both repos", async () => {
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(4242, 9191))
    await search(panel, '"x":4242')
    // ada-2 received it from the hub and applied it: wait for that store import.
    await waitFor(
      async () => (await rowData(panel)).some(row => row.repoId === peers.ada2.repoId && row.kind === "store" && row.type === "import"),
      "ada-2 to import the write",
      20_000,
    )
    await panel.getByTestId("log-pause").click()

    // ada: the frame it sent, carrying its own entry.
    await panel.getByTestId("log-filter-repo").selectOption(peers.ada.repoId)
    await soloKind(panel, "channel-out")
    const sent = await rowData(panel)
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.every(row => row.kind === "channel-out" && row.repoId === peers.ada.repoId && row.type === "channel/ephemeral")).toBe(true)
    const sentEntries = await firstRowEntries(panel)
    const own = sentEntries.find(entry => entry.key === peers.ada.peerId)!
    expect(own).toMatchObject({ peer: peers.ada.peerId, deleted: "false", namespace: "cursor" })
    expect(own.text).toContain("4242")
    await waitFor(async () => (await panel.getByTestId("loro-check").first().getAttribute("data-status")) === "match", "loro-crdt to agree")

    // ada-2: the frame the hub relayed, attributed to ada by its key, not to the hub that sent it.
    await panel.getByTestId("log-filter-repo").selectOption(peers.ada2.repoId)
    await soloKind(panel, "channel-in")
    const received = await rowData(panel)
    expect(received.length).toBeGreaterThan(0)
    expect(received.every(row => row.kind === "channel-in" && row.repoId === peers.ada2.repoId && row.direction === "in")).toBe(true)
    expect(await panel.locator(rowSelector()).first().textContent()).toContain("hub")
    const relayed = (await firstRowEntries(panel)).find(entry => entry.key === peers.ada.peerId)!
    expect(relayed).toMatchObject({ peer: peers.ada.peerId })
    expect(relayed.text).toContain("4242")

    // The frame's detail links to the message that handled it: message in, cmd/apply-ephemeral out.
    await panel.getByTestId("log-related").first().click()
    await waitFor(async () => (await panel.getByTestId("log-detail").getAttribute("data-kind")) === "sync-message", "the handling message")
    expect(await panel.locator('[data-testid="log-detail-command"][data-command-type="cmd/apply-ephemeral"]').count()).toBe(1)
    expect(await panel.locator(`[data-testid="decoded-entry"][data-key="${peers.ada.peerId}"]`).count()).toBe(1)

    // In the list, such messages carry their commands nested under them.
    await search(panel, "channel-receive-message")
    await soloKind(panel, "sync-message")
    const handled = await rowData(panel)
    expect(handled.length).toBeGreaterThan(0)
    expect(handled.every(row => row.type === "synchronizer/channel-receive-message" && row.repoId === peers.ada2.repoId)).toBe(true)
    expect(await panel.locator('[data-testid="log-command-row"][data-command-type="cmd/apply-ephemeral"]').count()).toBeGreaterThan(0)
    await panel.getByTestId("log-pause").click()
  })

  it("filters by peer through decoded keys, by direction, and counts what it shows", async () => {
    // Paused, so that the counts hold still while the filters change.
    await panel.getByTestId("log-pause").click()
    await panel.getByTestId("log-filter-reset").click()
    await panel.getByTestId("log-filter-repo").selectOption(peers.ada2.repoId)
    await panel.getByTestId("log-filter-peer").selectOption(peers.ada.peerId)
    await soloKind(panel, "channel-in")
    const viaHub = await rowData(panel)
    expect(viaHub.length).toBeGreaterThan(0)
    expect(viaHub.every(row => row.kind === "channel-in")).toBe(true)
    await panel.getByTestId("log-filter-reset").click()
    await panel.getByTestId("log-filter-direction").selectOption("out")
    expect((await rowData(panel)).every(row => row.direction === "out" && row.kind === "channel-out")).toBe(true)
    const held = Number(await panel.getByTestId("log-count").getAttribute("data-held"))
    expect(await shown(panel)).toBeLessThan(held)
    await panel.getByTestId("log-filter-reset").click()
    expect(await shown(panel)).toBe(held)
    await panel.getByTestId("log-pause").click()
  })

  it("records nothing while paused, and again once resumed", async () => {
    await panel.getByTestId("log-pause").click()
    expect(await panel.getByTestId("log-pause").getAttribute("aria-pressed")).toBe("true")
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(5151, 6161))
    await waitFor(
      () => page.evaluate(id => (window as any).demo.peers[1].getStates("cursor")[id]?.x === 5151, peers.ada.peerId),
      "ada-2 to see the paused write",
    )
    await search(panel, '"x":5151')
    expect(await shown(panel)).toBe(0)
    expect(Number(await panel.getByTestId("log-not-recorded").getAttribute("data-count"))).toBeGreaterThan(0)
    await panel.getByTestId("log-pause").click()
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(5252, 6262))
    await search(panel, '"x":5252')
    await waitFor(async () => (await shown(panel)) > 0, "the write after resuming")
  })

  it("shows who a note went to, and why", async () => {
    await page.evaluate(() => (window as any).demo.addNote("a note from the e2e test"))
    await search(panel, "local-doc-change")
    await panel.getByTestId("log-filter-repo").selectOption(peers.ada.repoId)
    await waitFor(async () => (await shown(panel)) > 0, "the local change")
    // The row itself says who got what; the detail says why.
    expect(await panel.locator(rowSelector()).first().textContent()).toContain("update: hub")
    await panel.locator(rowSelector()).first().click()
    const row = panel.locator('[data-testid="propagation-row"]').first()
    await waitFor(() => row.isVisible(), "the propagation table")
    expect(await row.getAttribute("data-outcome")).toBe("update")
    expect(await row.textContent()).toContain("subscribed")
    expect(await panel.locator('[data-testid="log-detail-command"][data-command-type="cmd/send-message"]').count()).toBe(1)
  })

  it("clears, and evicts past the buffer size the user sets", async () => {
    await panel.getByTestId("log-filter-reset").click()
    await panel.getByTestId("log-clear").click()
    await search(panel, '"x":4242')
    expect(await shown(panel)).toBe(0)
    await search(panel, "")
    await panel.getByTestId("log-buffer-size").fill("50")
    await panel.getByTestId("log-buffer-size").press("Enter")
    // ada-2's autopilot keeps the traffic going.
    await waitFor(async () => Number(await panel.getByTestId("log-evicted").getAttribute("data-count")) > 0, "evictions", 20_000)
    expect(Number(await panel.getByTestId("log-count").getAttribute("data-held"))).toBe(50)
  })

  it("inspects sync state: the room against the hub, and the hub channel", async () => {
    await panel.getByTestId("tab-sync").click()
    await panel.locator(`[data-testid="sync-repo"][data-repo-id="${peers.ada.repoId}"]`).click()
    const hubRow = panel.locator('[data-testid="sync-row"][data-doc-id="room:event-log"][data-self="false"]').first()
    await waitFor(async () => (await hubRow.getAttribute("data-status")) === "synced", "the room synced with the hub")
    expect(await hubRow.getAttribute("data-subscribed")).toBe("true")
    const channel = panel.locator('[data-testid="sync-channel"]').first()
    expect(await channel.getAttribute("data-established")).toBe("true")
    expect(await channel.getAttribute("data-kind")).toBe("network")
  })
})
