/**
 * Record and replay on the automerge demo, the same in both browsers: a
 * two-peer tab is recorded while both cursors walk a path; the exported file
 * opens in a fresh panel at the state recording stopped in, and replays into
 * another room's tab, where the recorded peers arrive through Presence's
 * protocol (simulated peers) and walk their recorded paths.
 */
import { expect } from "vitest"
import { automergeDocId, waitForPresenceTruth } from "./automerge-demo"
import { canonicalJson } from "./canonical-json"
import { demoReady, panelState, peerNames } from "./demo-page"
import { attribute, domClick, fill, testId, text } from "./dom"
import {
  aroundAction,
  cursorPaths,
  exportRecording,
  followsInOrder,
  recordingState,
  remoteCursorNames,
  watchCursors,
} from "./recording-panel"
import type { BrowserSession, Evaluator, SessionPage } from "./session"
import { waitFor } from "./wait"

/** Opens `bytes` as a recording file named `name` in the panel's Record tab. */
async function openFile(panel: SessionPage, bytes: Uint8Array, name: string): Promise<void> {
  await domClick(panel, testId("tab-record"))
  await panel.chooseFile(testId("rec-open-input"), name, bytes)
  await waitFor(async () => (await text(panel, testId("rec-info")))?.includes(name), `${name} to open`)
}

const PATH_A: Array<[number, number]> = [
  [100, 100],
  [140, 110],
  [180, 130],
  [220, 160],
  [260, 200],
]
const PATH_B: Array<[number, number]> = [
  [600, 400],
  [580, 360],
  [560, 320],
  [540, 280],
  [520, 240],
]

async function walk(page: Evaluator, peer: number, path: Array<[number, number]>, gapMs: number): Promise<void> {
  await page.evaluate(
    async ({ index, points, gap }: { index: number; points: Array<[number, number]>; gap: number }) => {
      for (const [x, y] of points) {
        ;(window as any).demo.peers[index].setCursor(x, y)
        await new Promise(resolve => setTimeout(resolve, gap))
      }
    },
    { index: peer, points: path, gap: gapMs },
  )
}

export async function automergeRecordAndReplay(browser: BrowserSession, demoUrl: string, room: string): Promise<void> {
  const source = await browser.openTab(`${demoUrl}/?room=${room}-src&name=ann&peers=2&autopilot=0`)
  const labels = await peerNames(source.page)
  const docId = await automergeDocId(source.page)
  await walk(source.page, 0, [PATH_A[0]!], 0)
  await walk(source.page, 1, [PATH_B[0]!], 0)
  const panel = await browser.openPanel(source.tabId)
  await waitFor(async () => (await panelState(panel)).repos.filter(r => !r.gone).length === 2, "the two repos")
  await waitForPresenceTruth(source.page, panel, labels, docId, 2)
  await domClick(panel, testId("tab-record"))
  await domClick(panel, testId("rec-start"))
  await waitFor(async () => (await attribute(panel, testId("rec-status"), "data-state")) === "recording", "recording to start")
  await Promise.all([walk(source.page, 0, PATH_A.slice(1), 150), walk(source.page, 1, PATH_B.slice(1), 150)])
  await waitForPresenceTruth(source.page, panel, labels, docId, 2)
  const atStop = await aroundAction(panel, () => domClick(panel, testId("rec-stop")))
  await waitFor(() => recordingState(panel), "the stopped recording")
  const bytes = await exportRecording(panel)

  // Round trip: the file opens at the state recording stopped in.
  const fresh = await browser.openPanel(source.tabId)
  await openFile(fresh, bytes, "automerge.ephrec")
  expect(atStop, "the end of the timeline is the live state at stop").toContain(canonicalJson(await recordingState(fresh)))
  await Promise.all([fresh.close(), panel.close(), source.page.close()])

  // Replay into another room: the recorded peers walk their paths there.
  const target = await browser.openTab(`${demoUrl}/?room=${room}-dst&name=cy&autopilot=0`)
  await demoReady(target.page)
  const targetDoc = await automergeDocId(target.page)
  const targetPanel = await browser.openPanel(target.tabId)
  await waitFor(async () => (await panelState(targetPanel)).repos.length === 1, "the target repo")
  await openFile(targetPanel, bytes, "automerge.ephrec")
  await watchCursors(target.page)
  await fill(targetPanel, testId("replay-visibility"), "local")
  expect(await targetPanel.evaluate(() => document.querySelector<HTMLInputElement>('[data-testid="replay-target-room"]')?.value)).toBe(
    targetDoc,
  )
  // The recorded page's own peer (one of the two) is offered unticked, the other ticked; both are wanted here.
  const offered = (): Promise<Array<{ name?: string; self: boolean; checked: boolean }>> =>
    targetPanel.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('[data-testid="replay-peer"]')].map(box => ({
        name: box.dataset.name,
        self: box.dataset.self === "true",
        checked: box.checked,
      })),
    )
  const before = await offered()
  expect(before.map(peer => [peer.self, peer.checked]).sort(), JSON.stringify(before)).toEqual([
    [false, true],
    [true, false],
  ])
  await domClick(targetPanel, testId("replay-peer", '[data-self="true"]'))
  await waitFor(async () => (await offered()).every(peer => peer.checked), "both recorded peers ticked")
  await domClick(targetPanel, testId("replay-start"))
  await waitFor(
    async () => (await attribute(targetPanel, testId("replay-status"), "data-state")) === "finished",
    "the replay to finish",
    20_000,
  )
  await waitFor(async () => {
    const paths = await cursorPaths(target.page)
    return (
      canonicalJson(paths.ann?.at(-1)) === canonicalJson(PATH_A.at(-1)) &&
      canonicalJson(paths["ann-2"]?.at(-1)) === canonicalJson(PATH_B.at(-1))
    )
  }, "both replayed cursors at the end of their paths").catch(async error => {
    throw new Error(
      `${error.message}\nseen: ${JSON.stringify(await cursorPaths(target.page))}\nerror: ${await text(targetPanel, testId("replay-error"))}`,
    )
  })
  const paths = await cursorPaths(target.page)
  expect(followsInOrder(paths.ann!, PATH_A), `ann went ${JSON.stringify(paths.ann)}`).toBe(true)
  expect(followsInOrder(paths["ann-2"]!, PATH_B), `ann-2 went ${JSON.stringify(paths["ann-2"])}`).toBe(true)
  expect(await text(targetPanel, testId("replay-error"))).toBeNull()
  await domClick(targetPanel, testId("replay-stop"))
  await waitFor(async () => (await remoteCursorNames(target.page)).length === 0, "the replayed peers gone from the page")
  await Promise.all([targetPanel.close(), target.page.close()])
}
