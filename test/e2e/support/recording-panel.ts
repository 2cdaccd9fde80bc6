/**
 * Driving the panel's Record view and reading what it exposes for tests,
 * through evaluate() in both browsers. Also a recorder of the demo page's
 * remote cursors, to check that replayed peers move along their recorded
 * paths.
 */
import { canonicalJson } from "./canonical-json"
import { panelState, type PanelSnapshot } from "./demo-page"
import { domClick, testId } from "./dom"
import type { Evaluator } from "./session"
import { waitFor } from "./wait"

export function recordingState(panel: Evaluator): Promise<PanelSnapshot | undefined> {
  return panel.evaluate(() => (window as any).__ephemeraRecordingState)
}

export function recordingCursor(panel: Evaluator): Promise<{ position: number; total: number; eventId?: number; t: number } | undefined> {
  return panel.evaluate(() => (window as any).__ephemeraRecordingCursor)
}

/** Exports the recording on the panel's timeline and returns its bytes (no download: nothing left on disk). */
export async function exportRecording(panel: Evaluator): Promise<Uint8Array> {
  await panel.evaluate(() => ((window as any).__ephemeraKeepExportsInMemory = true))
  await domClick(panel, testId("rec-export"))
  return lastExport(panel)
}

/** The bytes of the panel's last export. */
export async function lastExport(panel: Evaluator): Promise<Uint8Array> {
  const bytes: number[] = await waitFor(
    () =>
      panel.evaluate(() => {
        const exported = (window as any).__ephemeraLastExport as Uint8Array | undefined
        return exported ? Array.from(exported) : undefined
      }),
    "the export",
  )
  return Uint8Array.from(bytes)
}

/**
 * The live state read just before and just after `action`: the moment the
 * action captured lies between, so a recording of it equals one of the two
 * (both, when nothing arrived in between, which is the usual case).
 */
export async function aroundAction(panel: Evaluator, action: () => Promise<void>): Promise<[string, string]> {
  const before = canonicalJson(await panelState(panel))
  await action()
  const after = canonicalJson(await panelState(panel))
  return [before, after]
}

/** Starts recording every remote cursor's positions in the demo page, by name. */
export async function watchCursors(page: Evaluator): Promise<void> {
  await page.evaluate(() => {
    const log: Record<string, Array<[number, number]>> = {}
    const note = () => {
      for (const cursor of document.querySelectorAll<HTMLElement>('[data-testid="remote-cursor"]')) {
        const name = cursor.dataset.name ?? "?"
        const point: [number, number] = [Number(cursor.dataset.x), Number(cursor.dataset.y)]
        log[name] ??= []
        const path = log[name]
        const last = path[path.length - 1]
        if (!last || last[0] !== point[0] || last[1] !== point[1]) path.push(point)
      }
    }
    new MutationObserver(note).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-x", "data-y", "data-name"],
    })
    ;(window as any).__cursorPaths = log
  })
}

export function cursorPaths(page: Evaluator): Promise<Record<string, Array<[number, number]>>> {
  return page.evaluate(() => (window as any).__cursorPaths)
}

export function remoteCursorNames(page: Evaluator): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="remote-cursor"]')].map(cursor => cursor.dataset.name ?? ""),
  )
}

/** Whether `seen` visits the points of `path` in order (skipping some is fine: frames coalesce). */
export function followsInOrder(seen: ReadonlyArray<readonly [number, number]>, path: ReadonlyArray<readonly [number, number]>): boolean {
  let next = 0
  for (const [x, y] of seen) {
    const at = path.findIndex(([px, py], index) => index >= next && px === x && py === y)
    if (at < 0) return false
    next = at
  }
  return true
}
