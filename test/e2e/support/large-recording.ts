/**
 * Opening large and cut recordings in the panel, the same in Chromium and
 * Firefox: the files (a 500,000-event recording, made from a generated
 * session repeated; a small one cut short), a watch on the progress the
 * panel shows, and Cancel pressed while the reader still runs.
 */
import { generateRecording, repeatRecording } from "../../../bench/recording-generator"
import { encodeRecording } from "../../../devtools-panel/recording/encode"
import type { Evaluator } from "./session"

export const LARGE_EVENTS = 500_000

/** About 500,000 events (a 10,000-event session 50 times): about 6 MB on disk, 140 MB of JSON inside. */
export async function largeRecordingFile(): Promise<{ bytes: Uint8Array; events: number }> {
  const recording = repeatRecording(generateRecording(10_000), 50)
  const bytes = await encodeRecording(recording)
  let events = 0
  for (const line of recording.lines) {
    if (line.kind === "message" && line.message.type === "background/page-batch")
      for (const inner of line.message.batch.messages) if (inner.type === "repo/events") events += inner.events.length
  }
  return { bytes, events }
}

/** A small recording's file cut at `fraction` of its bytes. */
export async function cutRecordingFile(fraction: number): Promise<{ bytes: Uint8Array; events: number }> {
  const recording = generateRecording(5_000)
  const bytes = await encodeRecording(recording)
  return { bytes: bytes.slice(0, Math.floor(bytes.length * fraction)), events: recording.meta.counts.events }
}

/** Starts noting every progress the Record view shows ("phase:fraction"), in order. */
export async function watchProgress(panel: Evaluator): Promise<void> {
  await panel.evaluate(() => {
    const seen: string[] = []
    const note = () => {
      const element = document.querySelector<HTMLElement>('[data-testid="rec-progress"]')
      const value = element?.querySelector("progress")?.value
      const entry = element ? `${element.dataset.phase}:${value}` : ""
      if (entry && seen[seen.length - 1] !== entry) seen.push(entry)
    }
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
    ;(window as any).__progressSeen = seen
  })
}

export function progressSeen(panel: Evaluator): Promise<string[]> {
  return panel.evaluate(() => [...((window as any).__progressSeen as string[])])
}

/** Presses Cancel and reports, from the same task, how many readers ran just before and just after. */
export function cancelOpen(panel: Evaluator): Promise<{ phase: string | undefined; before: number; after: number }> {
  return panel.evaluate(() => {
    const progress = document.querySelector<HTMLElement>('[data-testid="rec-progress"]')
    const before = (window as any).__ephemeraRecordingReaders as number
    document.querySelector<HTMLElement>('[data-testid="rec-cancel"]')!.click()
    return { phase: progress?.dataset.phase, before, after: (window as any).__ephemeraRecordingReaders as number }
  })
}

export function elementExists(panel: Evaluator, testId: string): Promise<boolean> {
  return panel.evaluate((selector: string) => document.querySelector(selector) !== null, `[data-testid="${testId}"]`)
}
