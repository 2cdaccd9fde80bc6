/**
 * The Across tabs view as the e2e tests read and drive it, the same in
 * Playwright (Chromium) and puppeteer (Firefox): everything goes through
 * evaluate() on the panel page.
 */
import { canonicalJson } from "./canonical-json"
import type { Evaluator } from "./session"
import { waitFor } from "./wait"

export interface TabsViewSnapshot {
  /** Other tabs of the site, as the summary counts them. */
  tabs: number
  columns: Array<{ tabId: string; label: string }>
  rows: Array<{ namespace: string; key: string; status: string; kind: string; copies: string[] }>
}

/** Shows the Across tabs view, sets its settle time, and picks the room once some tab holds it. */
export async function openAcrossTabs(panel: Evaluator, settleSeconds: number, docId: string): Promise<void> {
  await waitFor(() => panel.evaluate(() => document.querySelector('[data-testid="tab-tabs"]') !== null), "the panel's tabs")
  await panel.evaluate(() => (document.querySelector('[data-testid="tab-tabs"]') as HTMLElement).click())
  await waitFor(() => panel.evaluate(() => document.querySelector('[data-testid="tabs-settle"]') !== null), "the Across tabs view")
  await panel.evaluate((seconds: number) => {
    const input = document.querySelector('[data-testid="tabs-settle"]') as HTMLInputElement
    input.value = String(seconds)
    input.dispatchEvent(new Event("change", { bubbles: true }))
  }, settleSeconds)
  // The hub tells every peer about every room it has seen: the room is picked by name, not by place.
  await waitFor(
    () =>
      panel.evaluate((room: string) => {
        const select = document.querySelector('[data-testid="tabs-room"]') as HTMLSelectElement
        if (![...select.options].some(option => option.value === room)) return false
        select.value = room
        select.dispatchEvent(new Event("change", { bubbles: true }))
        return true
      }, docId),
    `the room ${docId} to compare`,
  )
}

export function tabsView(panel: Evaluator): Promise<TabsViewSnapshot> {
  return panel.evaluate(() => {
    const all = (selector: string, root: ParentNode = document) => [...root.querySelectorAll<HTMLElement>(selector)]
    const summary = document.querySelector<HTMLElement>('[data-testid="tabs-summary"]')
    return {
      tabs: Number(summary?.dataset.tabs ?? -1),
      columns: all('[data-testid="tabs-column"]').map(column => ({ tabId: column.dataset.tabId ?? "", label: column.dataset.label ?? "" })),
      rows: all('[data-testid="tabs-row"]').map(row => ({
        namespace: row.dataset.namespace ?? "",
        key: row.dataset.key ?? "",
        status: row.dataset.status ?? "",
        kind: row.dataset.kind ?? "",
        copies: all('[data-testid="tabs-copy"]', row).map(cell => cell.dataset.json ?? ""),
      })),
    }
  })
}

export async function rowOf(panel: Evaluator, namespace: string, key: string) {
  return (await tabsView(panel)).rows.find(row => row.namespace === namespace && row.key === key)
}

/**
 * Stops the heartbeat of every repo of a demo page. Each repo's heartbeat
 * (every 10 s) re-stamps every key it holds and so ends a divergence: with
 * four tabs in the room and the hub, one comes every 2 s on average, sooner
 * than a loaded machine sometimes shows the divergence. The hub's own heartbeat
 * keeps running, so a divergence still ends by itself (burstUntilDiverged
 * repeats a burst it cut short).
 */
export async function stopHeartbeats(page: Evaluator): Promise<void> {
  await page.evaluate(() => {
    for (const peer of (window as any).demo.peers) peer.repo.synchronizer.stopHeartbeat()
  })
}

/**
 * Writes the writer page's cursor twice in one millisecond (x, then x + 1),
 * until the view flags it as diverged. Two writes are the smallest burst, and
 * fit in a millisecond more often (a write costs a few hundred microseconds
 * in a background Firefox tab); every try writes values of its own. The
 * repo's heartbeat re-stamps the key and so ends the divergence; when one
 * falls between the burst and the settle time, the burst is repeated.
 * Returns the row, and the millisecond and first value of the burst it shows.
 */
export async function burstUntilDiverged(writer: Evaluator, panel: Evaluator, writerPeerId: string, attempts = 5) {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const burst: { ms: number; x: number } | undefined = await writer.evaluate(async (base: number) => {
      const peer = (window as any).demo.peers[0]
      for (let tries = 0; tries < 100; tries++) {
        const x = base + tries * 2
        const ms = peer.burstCursor([
          { x, y: 1 },
          { x: x + 1, y: 1 },
        ])
        if (ms !== undefined) return { ms, x }
      }
      return undefined
    }, attempt * 1000)
    if (burst === undefined) throw new Error("the writer page never fit two writes in one millisecond")
    const last = canonicalJson({ x: burst.x + 1, y: 1 })
    const row = await waitFor(
      async () => {
        const current = await rowOf(panel, "cursor", writerPeerId)
        return current?.status === "diverged" && current.copies.some(copy => copy !== "" && canonicalJson(JSON.parse(copy)) === last)
          ? current
          : undefined
      },
      "the burst's key shown as diverged",
      // Returns as soon as it shows; a loaded machine can take seconds to get there.
      10_000,
    ).catch(() => undefined)
    if (row) return { row, attempt, ...burst }
  }
  throw new Error(`no divergence shown after ${attempts} bursts`)
}
