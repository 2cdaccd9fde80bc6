/**
 * The event log in Firefox ESR, smaller than the Chromium run: a scripted
 * cursor write shows up at the receiving repo as a frame relayed by the hub,
 * decoded and attributed to its writer, and checked by loro-crdt's WASM in
 * the extension page; search, kind and repo filters, pause and clear behave.
 */
import type { Page } from "puppeteer-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { demoReady, panelState } from "./support/demo-page"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

function rowData(panel: Page): Promise<Array<Record<string, string | undefined>>> {
  return panel.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid="log-row"]')].map(row => ({ ...row.dataset })))
}

function attribute(panel: Page, testId: string, name: string): Promise<string | null> {
  return panel.evaluate(
    (id: string, attr: string) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(attr) ?? null,
    testId,
    name,
  )
}

/** Sets a field the way typing does (input event), without depending on key events over BiDi. */
async function fill(panel: Page, testId: string, value: string, event = "input"): Promise<void> {
  await panel.evaluate(
    (id: string, text: string, type: string) => {
      const input = document.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-testid="${id}"]`)!
      input.value = text
      input.dispatchEvent(new Event(type, { bubbles: true }))
    },
    testId,
    value,
    event,
  )
}

describe("event log in Firefox ESR", () => {
  let firefox: FirefoxSession
  beforeAll(async () => {
    firefox = await launchFirefox()
  })
  afterAll(async () => {
    await firefox?.close()
  })

  it("decodes a relayed cursor write, filters, pauses and clears", async () => {
    const { page, tabId } = await firefox.openTab(`${demoUrl}/?room=event-log-ff&name=fay&peers=2`)
    const [fay] = await demoReady(page)
    const panel = await firefox.openPanel(tabId)
    const state = await waitFor(async () => {
      const current = await panelState(panel)
      return current.repos.filter(repo => !repo.gone).length === 2 ? current : undefined
    }, "both repos in the panel")
    const receiver = state.repos.find(repo => repo.label === "fay-2")!.repoId
    await panel.click('[data-testid="tab-log"]')

    await page.evaluate(() => (window as any).demo.peers[0].setCursor(7373, 8383))
    await fill(panel, "log-search", '"x":7373')
    await fill(panel, "log-filter-repo", receiver, "change")
    await panel.keyboard.down("Shift")
    await panel.click('[data-testid="log-filter-kind"][data-kind="channel-in"]')
    await panel.keyboard.up("Shift")
    await waitFor(async () => (await rowData(panel)).length > 0, "the relayed frame at fay-2", 20_000)
    await panel.click('[data-testid="log-pause"]')
    const rows = await rowData(panel)
    expect(rows.every(row => row.kind === "channel-in" && row.repoId === receiver)).toBe(true)

    await panel.click('[data-testid="log-row"]')
    await waitFor(() => panel.evaluate(() => document.querySelector('[data-testid="log-detail"]') !== null), "the detail")
    const entry = await panel.evaluate((key: string) => {
      const row = document.querySelector<HTMLElement>(`[data-testid="decoded-entry"][data-key="${key}"]`)
      return row ? { ...row.dataset, text: row.textContent ?? "" } : undefined
    }, fay!)
    expect(entry).toMatchObject({ peer: fay, deleted: "false", namespace: "cursor" })
    expect(entry!.text).toContain("7373")
    // loro-crdt's WASM loads in Firefox's extension page and reads the same bytes.
    await waitFor(async () => (await attribute(panel, "loro-check", "data-status")) === "match", "loro-crdt to agree", 30_000)

    // Paused: a new write is not recorded.
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(7474, 8484))
    await waitFor(
      () => page.evaluate((id: string) => (window as any).demo.peers[1].getStates("cursor")[id]?.x === 7474, fay!),
      "fay-2 to see the paused write",
    )
    await fill(panel, "log-search", '"x":7474')
    expect(await attribute(panel, "log-count", "data-shown")).toBe("0")
    expect(Number(await attribute(panel, "log-not-recorded", "data-count"))).toBeGreaterThan(0)

    // Clear empties the buffer; resuming records again.
    await panel.click('[data-testid="log-clear"]')
    await waitFor(async () => (await attribute(panel, "log-count", "data-held")) === "0", "an empty buffer")
    await panel.click('[data-testid="log-pause"]')
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(7575, 8585))
    await fill(panel, "log-search", '"x":7575')
    await waitFor(async () => Number(await attribute(panel, "log-count", "data-shown")) > 0, "the write after resuming")
    await panel.close()
    await page.close()
  })
})
