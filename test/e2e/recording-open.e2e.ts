/**
 * Opening recordings too large to read at once, and ones cut short: progress
 * while reading, Cancel that stops the reader, and a note of where a cut
 * file ends.
 */
import { beforeAll, describe, expect, inject, it } from "vitest"
import {
  LARGE_EVENTS,
  cancelOpen,
  cutRecordingFile,
  elementExists,
  largeRecordingFile,
  progressSeen,
  watchProgress,
} from "./support/large-recording"
import { attribute, testId, text } from "./support/dom"
import { recordingCursor } from "./support/recording-panel"
import { browserSession } from "./support/scenario"
import { BROWSERS, type SessionPage } from "./support/session"
import { waitFor } from "./support/wait"

const fixtureUrl = inject("fixtureUrl")

describe.each(BROWSERS)("opening large and cut recordings in %s", name => {
  const browser = browserSession(name)
  let panel: SessionPage
  beforeAll(async () => {
    const blank = await browser.openTab(`${fixtureUrl}/first-script.html`)
    panel = await browser.openPanel(blank.tabId)
    await panel.click(testId("tab-record"))
    await watchProgress(panel)
  })

  const choose = (bytes: Uint8Array, name: string) => panel.chooseFile(testId("rec-open-input"), name, bytes)

  it("a 500,000-event recording shows progress while it is read, Cancel stops its reader at once, and it then opens whole", async () => {
    const { bytes, events } = await largeRecordingFile()
    expect(events).toBeGreaterThanOrEqual(LARGE_EVENTS)

    await choose(bytes, "large.ephrec")
    await waitFor(() => elementExists(panel, "rec-progress"), "the open's progress")
    const cancelled = await cancelOpen(panel)
    expect(cancelled).toEqual({ phase: "reading", before: 1, after: 0 })
    await waitFor(async () => !(await elementExists(panel, "rec-progress")), "the progress to go")
    expect(await elementExists(panel, "rec-info")).toBe(false)

    // Another name: Firefox fires no change for the same file chosen again.
    await choose(bytes, "large-again.ephrec")
    await waitFor(
      async () => (await text(panel, testId("rec-info")))?.includes("large-again.ephrec"),
      "the large recording to open",
      240_000,
    )
    const cursor = (await recordingCursor(panel))!
    expect(cursor.total).toBeGreaterThanOrEqual(events)
    expect(cursor.position).toBe(cursor.total)
    expect(await elementExists(panel, "rec-cut")).toBe(false)
    expect(await panel.evaluate(() => (window as any).__ephemeraRecordingReaders)).toBe(0)
    // Progress went through both phases, forward only.
    const seen = await progressSeen(panel)
    const fractions = seen.slice(seen.lastIndexOf("reading:0")).map(entry => Number(entry.split(":")[1]))
    expect(seen.some(entry => entry.startsWith("reading:") && entry !== "reading:0")).toBe(true)
    expect(seen.some(entry => entry.startsWith("indexing:"))).toBe(true)
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
  }, 400_000)

  it("a recording cut short opens the events it holds, with a note of where it was cut", async () => {
    const { bytes, events } = await cutRecordingFile(0.6)
    await choose(bytes, "cut.ephrec")
    await waitFor(async () => (await text(panel, testId("rec-info")))?.includes("cut.ephrec"), "the cut recording to open", 60_000)
    const found = Number(await attribute(panel, testId("rec-cut"), "data-found"))
    expect(Number(await attribute(panel, testId("rec-cut"), "data-expected"))).toBe(events)
    expect(found).toBeGreaterThan(0)
    expect(found).toBeLessThan(events)
    expect(await text(panel, testId("rec-cut"))).toMatch(
      /This recording was cut short: it holds [\d,]+ of [\d,]+ events, up to [\d.]+ s after it started/,
    )
    const cursor = (await recordingCursor(panel))!
    expect(cursor.total).toBeGreaterThanOrEqual(found)
    expect(cursor.total).toBeLessThan(events)
  }, 120_000)
})
