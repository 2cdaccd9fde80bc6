import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { canonicalJson } from "./support/canonical-json"
import { panelState, peerNames } from "./support/demo-page"
import { describeDifference, pageMaps, panelMaps } from "./support/fidelity"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import {
  aroundAction,
  clickTestId,
  exportRecording,
  recordingCursor,
  recordingState,
  testIdAttribute,
  testIdText,
} from "./support/recording-panel"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const NAMESPACES = ["presence", "cursor", "typing"]

describe("record and open in Firefox ESR", () => {
  let firefox: FirefoxSession
  let scratch: string
  beforeAll(async () => {
    firefox = await launchFirefox()
    scratch = mkdtempSync(join(tmpdir(), "ephemera-recording-"))
  })
  afterAll(async () => {
    await firefox?.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  it("round trip: an exported recording opens in a fresh panel at the state recording stopped in", async () => {
    const docId = "room:rec-firefox"
    const { page, tabId } = await firefox.openTab(`${demoUrl}/?room=rec-firefox&name=fay&peers=2&autopilot=0`)
    const labels = await peerNames(page)
    const panel = await firefox.openPanel(tabId)
    await waitFor(async () => (await panelState(panel)).repos.filter(r => !r.gone).length === 2, "the two repos")
    await clickTestId(panel, "tab-record")
    await clickTestId(panel, "rec-start")
    await waitFor(async () => (await testIdAttribute(panel, "rec-status", "data-state")) === "recording", "recording to start")

    await page.evaluate(async () => {
      const [fay, fay2] = (window as any).demo.peers
      for (let i = 0; i < 12; i++) {
        fay.setCursor(20 + i * 15, 40 + i * 5)
        if (i % 4 === 0) fay2.setTyping(i % 8 === 0)
        await new Promise(resolve => setTimeout(resolve, 20))
      }
    })
    let last = ""
    await waitFor(async () => {
      last = describeDifference(await pageMaps(page, NAMESPACES), await panelMaps(panel, labels, NAMESPACES, docId))
      return last === ""
    }, "the panel to catch up").catch(error => {
      throw new Error(`${error.message}\n${last}`)
    })
    const atStop = await aroundAction(panel, () => clickTestId(panel, "rec-stop"))
    await waitFor(() => recordingState(panel), "the stopped recording on the timeline")
    const bytes = await exportRecording(panel)

    const file = join(scratch, "firefox.ephrec")
    writeFileSync(file, bytes)
    const fresh = await firefox.openPanel(tabId)
    await clickTestId(fresh, "tab-record")
    const input = await fresh.$('[data-testid="rec-open-input"]')
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(file)
    await waitFor(async () => (await testIdText(fresh, "rec-info"))?.includes("firefox.ephrec"), "the file to open")
    expect(atStop, "the end of the timeline is the live state at stop").toContain(canonicalJson(await recordingState(fresh)))

    // Travel back to the opening checkpoint and forward again.
    const total = (await recordingCursor(fresh))!.total
    expect(total).toBeGreaterThan(12)
    await fresh.focus('[data-testid="timeline"]')
    await fresh.keyboard.press("Home")
    await waitFor(async () => (await recordingCursor(fresh))?.position === 0, "the cursor at the start")
    const start = await recordingState(fresh)
    expect(canonicalJson(start)).not.toBe(canonicalJson(await panelState(panel)))
    await fresh.keyboard.press("End")
    await waitFor(async () => (await recordingCursor(fresh))?.position === total, "the cursor at the end")
    await Promise.all([fresh.close(), panel.close(), page.close()])
  })
})
