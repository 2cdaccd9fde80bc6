/**
 * Simulated network conditions end to end: the demo in two tabs behind the
 * hub, the panel of tab A (two repos: ada and ada-2) putting conditions on
 * ada's channel to the hub. What counts is what the Log shows and what the
 * other repos receive, and that closing the panel ends it.
 */
import { describe, expect, inject, it } from "vitest"
import { demoReady, panelState } from "./support/demo-page"
import { domClick, fill, isVisible, testId, text } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS, type Evaluator } from "./support/session"
import { openSimulate } from "./support/simulate-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

/** HH:MM:SS.mmm as the Log shows it, in ms of the day. */
function clockMs(shown: string): number {
  const [h, m, s] = shown.split(":")
  return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000
}

/** The Log rows in view: repo label, kind, store event type and the shown time. */
function logRows(panel: Evaluator): Promise<Array<{ repo: string; kind: string; type: string; time: string }>> {
  return panel.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="log-row"]')].map(row => ({
      repo: row.querySelector(".repo")?.textContent ?? "",
      kind: row.dataset.kind ?? "",
      type: row.dataset.type ?? "",
      time: row.querySelector(".time")?.textContent ?? "",
    })),
  )
}

/** The x of ada's cursor as a page's first peer holds it. */
function cursorXOf(page: Evaluator, peerId: string, index = 0): Promise<number | undefined> {
  return page.evaluate(
    ({ id, i }: { id: string; i: number }) => ((window as any).demo.peers[i].getStates("cursor")[id] as { x?: number } | undefined)?.x,
    { id: peerId, i: index },
  )
}

async function applyConditions(panel: Evaluator, conditions: Record<string, number>): Promise<void> {
  for (const [field, value] of Object.entries(conditions)) await fill(panel, testId(`net-${field}`), String(value))
  await domClick(panel, testId("net-apply"))
}

describe.each(BROWSERS)("network conditions in %s", name => {
  const browser = browserSession(name)

  it("a 500 ms delay shows as that latency in the Log, 100 % drop stops receivers, closing the panel restores delivery", async () => {
    const a = await browser.openTab(`${demoUrl}/?room=net-conditions-${name}&name=ada&peers=2&autopilot=0`)
    const b = await browser.openTab(`${demoUrl}/?room=net-conditions-${name}&name=bo&autopilot=0`)
    const [ada] = await demoReady(a.page)
    await demoReady(b.page)
    const panel = await browser.openPanel(a.tabId)
    await waitFor(async () => (await panelState(panel)).repos.filter(repo => !repo.gone).length === 2, "both repos in the panel")
    await openSimulate(panel)
    await fill(panel, testId("sim-repo-select"), (await panelState(panel)).repos.find(repo => repo.label === "ada")!.repoId)

    // Delay: ada's write and ada-2's import of it, 500 ms apart in the Log.
    await applyConditions(panel, { delayMs: 500, jitterMs: 0, dropPercent: 0, reorderPercent: 0 })
    await waitFor(() => isVisible(panel, testId("net-status")), "the status bar to show the conditions")
    expect(await text(panel, testId("net-status"))).toMatch(/network conditions on 1 channel/)
    await a.page.evaluate(() => (window as any).demo.peers[0].setCursor(4242, 9191))
    await domClick(panel, testId("tab-log"))
    await fill(panel, testId("log-search"), '"x":4242')
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
    await domClick(panel, testId("tab-simulate"))
    await applyConditions(panel, { delayMs: 0, dropPercent: 100 })
    await waitFor(async () => (await text(panel, testId("net-active")))?.includes("drop 100 %"), "the page to confirm 100 % drop")
    await a.page.evaluate(() => (window as any).demo.peers[0].setCursor(111, 222))
    await a.page.evaluate(() => (window as any).demo.addNote("after the dropped cursor"))
    await waitFor(
      () => b.page.evaluate(() => (window as any).demo.notes().includes("after the dropped cursor")),
      "tab B to get the note sent after the cursor",
    )
    expect(await cursorXOf(b.page, ada!)).toBe(4242)
    expect(await cursorXOf(a.page, ada!, 1)).toBe(4242)
    await waitFor(async () => Number(await text(panel, testId("net-dropped"))) > 0, "the panel to count dropped frames")

    // Closing the panel removes the conditions: a new cursor reaches tab B again.
    await panel.close()
    let x = 300
    await waitFor(
      async () => {
        x++
        await a.page.evaluate((value: number) => (window as any).demo.peers[0].setCursor(value, 444), x)
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
