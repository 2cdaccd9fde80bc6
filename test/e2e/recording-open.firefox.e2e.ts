import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import {
  LARGE_EVENTS,
  cancelOpen,
  cutRecordingFile,
  elementExists,
  largeRecordingFile,
  progressSeen,
  watchProgress,
} from "./support/large-recording"
import { clickTestId, recordingCursor, testIdAttribute, testIdText } from "./support/recording-panel"
import { waitFor } from "./support/wait"

const fixtureUrl = inject("fixtureUrl")

type Page = Awaited<ReturnType<FirefoxSession["openPanel"]>>

describe("opening large and cut recordings in Firefox ESR", () => {
  let firefox: FirefoxSession
  let panel: Page
  let scratch: string
  beforeAll(async () => {
    firefox = await launchFirefox()
    scratch = mkdtempSync(join(tmpdir(), "ephemera-recording-open-"))
    const { tabId } = await firefox.openTab(`${fixtureUrl}/first-script.html`)
    panel = await firefox.openPanel(tabId)
    await clickTestId(panel, "tab-record")
    await watchProgress(panel)
  })
  afterAll(async () => {
    await firefox?.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  const choose = async (bytes: Uint8Array, name: string) => {
    const file = join(scratch, name)
    writeFileSync(file, bytes)
    const input = await panel.$('[data-testid="rec-open-input"]')
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(file)
  }

  it("a 500,000-event recording shows progress while it is read, Cancel stops its reader at once, and it then opens whole", async () => {
    const { bytes, events } = await largeRecordingFile()
    expect(events).toBeGreaterThanOrEqual(LARGE_EVENTS)

    await choose(bytes, "large.ephrec")
    await waitFor(() => elementExists(panel, "rec-progress"), "the open's progress")
    const cancelled = await cancelOpen(panel)
    expect(cancelled).toEqual({ phase: "reading", before: 1, after: 0 })
    await waitFor(async () => !(await elementExists(panel, "rec-progress")), "the progress to go")
    expect(await elementExists(panel, "rec-info")).toBe(false)

    await choose(bytes, "large-again.ephrec")
    await waitFor(async () => (await testIdText(panel, "rec-info"))?.includes("large-again.ephrec"), "the large recording to open", 240_000)
    const cursor = (await recordingCursor(panel))!
    expect(cursor.total).toBeGreaterThanOrEqual(events)
    expect(cursor.position).toBe(cursor.total)
    expect(await elementExists(panel, "rec-cut")).toBe(false)
    expect(await panel.evaluate(() => (window as any).__ephemeraRecordingReaders)).toBe(0)
    const seen = await progressSeen(panel)
    expect(seen.some(entry => entry.startsWith("reading:") && entry !== "reading:0")).toBe(true)
    expect(seen.some(entry => entry.startsWith("indexing:"))).toBe(true)
  }, 400_000)

  it("a recording cut short opens the events it holds, with a note of where it was cut", async () => {
    const { bytes, events } = await cutRecordingFile(0.6)
    await choose(bytes, "cut.ephrec")
    await waitFor(async () => (await testIdText(panel, "rec-info"))?.includes("cut.ephrec"), "the cut recording to open", 60_000)
    const found = Number(await testIdAttribute(panel, "rec-cut", "data-found"))
    expect(Number(await testIdAttribute(panel, "rec-cut", "data-expected"))).toBe(events)
    expect(found).toBeGreaterThan(0)
    expect(found).toBeLessThan(events)
    expect(await testIdText(panel, "rec-cut")).toMatch(/This recording was cut short: it holds [\d,]+ of [\d,]+ events/)
    const cursor = (await recordingCursor(panel))!
    expect(cursor.total).toBeLessThan(events)
  }, 120_000)
})
