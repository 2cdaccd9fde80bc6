/**
 * Simulated network conditions end to end in Chromium: the demo in two tabs
 * behind the hub, the panel of tab A (two repos: ada and ada-2) putting
 * conditions on ada's channel to the hub. What counts is what the Log shows
 * and what the other repos receive, and that closing the panel ends it.
 */
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { demoReady, panelState } from "./support/demo-page"
import { clickIn, openSimulate, setField } from "./support/simulate-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

/** HH:MM:SS.mmm as the Log shows it, in ms of the day. */
function clockMs(text: string): number {
  const [h, m, s] = text.split(":")
  return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000
}

/** The Log rows in view: repo label, kind, store event type and the shown time. */
function logRows(panel: Page): Promise<Array<{ repo: string; kind: string; type: string; time: string }>> {
  return panel.locator('[data-testid="log-row"]').evaluateAll(rows =>
    rows.map(row => ({
      repo: row.querySelector(".repo")?.textContent ?? "",
      kind: (row as HTMLElement).dataset.kind ?? "",
      type: (row as HTMLElement).dataset.type ?? "",
      time: row.querySelector(".time")?.textContent ?? "",
    })),
  )
}

/** The x of ada's cursor as a page's first peer holds it. */
function cursorXOf(page: Page, peerId: string, index = 0): Promise<number | undefined> {
  return page.evaluate(({ id, i }) => ((window as any).demo.peers[i].getStates("cursor")[id] as { x?: number } | undefined)?.x, {
    id: peerId,
    i: index,
  })
}

async function applyConditions(panel: Page, conditions: Record<string, number>): Promise<void> {
  for (const [field, value] of Object.entries(conditions)) await setField(panel, `[data-testid="net-${field}"]`, String(value))
  await clickIn(panel, '[data-testid="net-apply"]')
}

describe("network conditions in Chromium", () => {
  let chromium: ChromiumSession
  beforeAll(async () => {
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("a 500 ms delay shows as that latency in the Log, 100 % drop stops receivers, closing the panel restores delivery", async () => {
    const a = await chromium.openTab(`${demoUrl}/?room=net-conditions&name=ada&peers=2&autopilot=0`)
    const b = await chromium.openTab(`${demoUrl}/?room=net-conditions&name=bo&autopilot=0`)
    const [ada] = await demoReady(a.page)
    await demoReady(b.page)
    const panel = await chromium.openPanel(a.tabId)
    await panel.setViewportSize({ width: 1400, height: 900 })
    await waitFor(async () => (await panelState(panel)).repos.filter(repo => !repo.gone).length === 2, "both repos in the panel")
    await openSimulate(panel)
    await setField(panel, '[data-testid="sim-repo-select"]', (await panelState(panel)).repos.find(repo => repo.label === "ada")!.repoId)

    // Delay: ada's write and ada-2's import of it, 500 ms apart in the Log.
    await applyConditions(panel, { delayMs: 500, jitterMs: 0, dropPercent: 0, reorderPercent: 0 })
    await waitFor(() => panel.getByTestId("net-status").isVisible(), "the status bar to show the conditions")
    expect(await panel.getByTestId("net-status").textContent()).toMatch(/network conditions on 1 channel/)
    await a.page.evaluate(() => (window as any).demo.peers[0].setCursor(4242, 9191))
    await panel.getByTestId("tab-log").click()
    await panel.getByTestId("log-search").fill('"x":4242')
    const rows = await waitFor(async () => {
      const all = await logRows(panel)
      const written = all.find(row => row.repo === "ada" && row.kind === "store")
      const imported = all.find(row => row.repo === "ada-2" && row.kind === "store" && row.type === "import")
      return written && imported ? { written, imported } : undefined
    }, "ada's write and ada-2's import in the Log")
    const latency = clockMs(rows.imported.time) - clockMs(rows.written.time)
    expect(latency, JSON.stringify(rows)).toBeGreaterThanOrEqual(500)
    expect(latency, JSON.stringify(rows)).toBeLessThan(2500)
    await waitFor(async () => (await cursorXOf(b.page, ada!)) === 4242, "tab B to get the delayed cursor")

    // Drop: nothing of ada's presence reaches tab B or ada-2, while her notes still do.
    await panel.getByTestId("tab-simulate").click()
    await applyConditions(panel, { delayMs: 0, dropPercent: 100 })
    await waitFor(
      async () => (await panel.locator('[data-testid="net-active"]').textContent())?.includes("drop 100 %"),
      "the page to confirm 100 % drop",
    )
    await a.page.evaluate(() => (window as any).demo.peers[0].setCursor(111, 222))
    await a.page.evaluate(() => (window as any).demo.addNote("after the dropped cursor"))
    await waitFor(
      () => b.page.evaluate(() => (window as any).demo.notes().includes("after the dropped cursor")),
      "tab B to get the note sent after the cursor",
    )
    expect(await cursorXOf(b.page, ada!)).toBe(4242)
    expect(await cursorXOf(a.page, ada!, 1)).toBe(4242)
    await waitFor(async () => Number(await panel.getByTestId("net-dropped").textContent()) > 0, "the panel to count dropped frames")

    // Closing the panel removes the conditions: a new cursor reaches tab B again.
    await panel.close()
    let x = 300
    await waitFor(
      async () => {
        x++
        await a.page.evaluate(value => (window as any).demo.peers[0].setCursor(value, 444), x)
        return ((await cursorXOf(b.page, ada!)) ?? 0) > 300
      },
      "tab B to get ada's cursor once the panel is closed",
      20_000,
      200,
    )
    await a.page.close()
    await b.page.close()
  })
})
