/**
 * The automerge-repo demo in Firefox ESR: a three-peer tab behind
 * automerge-repo's own WebSocket sync server. After a storm the panel equals
 * each peer's Presence, and the Log decodes a relayed update's CBOR.
 */
import type { Page } from "puppeteer-core"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { automergeRecordAndReplay } from "./support/automerge-recording"
import { simulatedPeersRoundTrip } from "./support/automerge-simulate"
import { automergeDocId, presenceStorm, waitForPresenceTruth } from "./support/automerge-demo"
import { demoReady, panelState, peerNames } from "./support/demo-page"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { clickTestId, testIdText } from "./support/recording-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("automergeDemoUrl")

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

describe("automerge-repo demo in Firefox ESR", () => {
  let firefox: FirefoxSession
  beforeAll(async () => {
    firefox = await launchFirefox()
  })
  afterAll(async () => {
    await firefox?.close()
  })

  it("equals each peer's Presence after a storm, and decodes a relayed update in the Log", async () => {
    const { page, tabId } = await firefox.openTab(`${demoUrl}/?room=am-fidelity-ff&name=hana&peers=3&autopilot=0`)
    const labels = await peerNames(page)
    const peerIds: string[] = await page.evaluate(() => (window as any).demo.peers.map((peer: { peerId: string }) => peer.peerId))
    const docId = await automergeDocId(page)
    const panel = await firefox.openPanel(tabId)
    const state = await waitFor(async () => {
      const current = await panelState(panel)
      return current.repos.filter(r => !r.gone).length === 3 ? current : undefined
    }, "the three repos")
    expect(await presenceStorm(page, 200)).toBe(600)
    await waitForPresenceTruth(page, panel, labels, docId, 3)

    // hana's write, as hana-2 received it from the server.
    const receiver = state.repos.find(repo => repo.label === "hana-2")!.repoId
    await panel.click('[data-testid="tab-log"]')
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(7373, 8383))
    await fill(panel, "log-search", "7373")
    await fill(panel, "log-filter-repo", receiver, "change")
    await panel.keyboard.down("Shift")
    await panel.click('[data-testid="log-filter-kind"][data-kind="channel-in"]')
    await panel.keyboard.up("Shift")
    await waitFor(() => panel.evaluate(() => document.querySelector('[data-testid="log-row"]') !== null), "the update at hana-2", 20_000)
    await panel.click('[data-testid="log-row"]')
    const decoded = await waitFor(
      () =>
        panel.evaluate(() => {
          const payload = document.querySelector<HTMLElement>('[data-testid="decoded-payload"]')
          const entry = document.querySelector<HTMLElement>('[data-testid="decoded-entry"][data-key="cursor"]')
          return payload && entry
            ? { payload: { ...payload.dataset }, entry: { ...entry.dataset, text: entry.textContent ?? "" } }
            : undefined
        }),
      "the decoded payload",
    )
    expect(decoded.payload).toMatchObject({ kind: "presence update", sender: peerIds[0], docId })
    expect(Number(decoded.payload.count)).toBeGreaterThan(0)
    expect(decoded.entry).toMatchObject({ peer: peerIds[0], deleted: "false" })
    expect(decoded.entry.text).toMatch(/7373[\s\S]*8383/)
    await panel.close()
    await page.close()
  })

  it("brings simulated peers into the app, and keeps a local one in its tab", async () => {
    const room = "am-sim-ff"
    const a = await firefox.openTab(`${demoUrl}/?room=${room}&name=ann`)
    const b = await firefox.openTab(`${demoUrl}/?room=${room}&name=ben`)
    await Promise.all([demoReady(a.page), demoReady(b.page)])
    const panel = await firefox.openPanel(a.tabId)
    await simulatedPeersRoundTrip(a.page, b.page, panel, 3_000)
    await panel.close()
    await a.page.close()
    await b.page.close()
  })

  it("records a session that round-trips through a file and replays into another room", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "ephemera-am-recording-"))
    try {
      await automergeRecordAndReplay(
        {
          openTab: url => firefox.openTab(url),
          openPanel: tabId => firefox.openPanel(tabId),
          async openFile(panel, bytes, name) {
            const page = panel as Page
            const file = join(scratch, name)
            writeFileSync(file, bytes)
            await clickTestId(page, "tab-record")
            const input = await page.$('[data-testid="rec-open-input"]')
            await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(file)
            await waitFor(async () => (await testIdText(page, "rec-info"))?.includes(name), `${name} to open`)
          },
        },
        demoUrl,
        "am-rec-ff",
      )
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  })
})
