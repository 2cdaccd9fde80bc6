/**
 * Replay from the middle of a recording, in the demo app: the page's store,
 * for the replayed peers, first holds exactly the recording's state at the
 * chosen point (not a part of it, not what came after), then moves on to
 * the recording's end state, and stop removes the replayed peers. The point
 * lies inside a burst of writes that reached the panel in one batch, after
 * the page had moved on: a replay timed by the batch's arrival started past it.
 */
import { describe, expect, inject, it } from "vitest"
import { canonicalJson } from "./support/canonical-json"
import { demoReady, peerNames, waitForRepos } from "./support/demo-page"
import { attribute, domClick, fill, testId } from "./support/dom"
import { describeDifference, pageMaps, panelMaps } from "./support/fidelity"
import { recordingCursor, recordingState } from "./support/recording-panel"
import { byRecordedPeer, coversShape, currentNewKeys, newKeySnapshots, recordedValues, watchNewKeys } from "./support/replay-state"
import { browserSession } from "./support/scenario"
import { BROWSERS, type SessionPage as Page } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const clickTestId = (panel: Page, id: string) => domClick(panel, testId(id))

const NAMESPACES = ["presence", "cursor", "typing"]
const BURST = [
  { x: 20, y: 20 },
  { x: 30, y: 30 },
  { x: 40, y: 40 },
  { x: 50, y: 50 },
]

async function settled(page: Page, panel: Page, docId: string, what: string): Promise<void> {
  const labels = await peerNames(page)
  let last = ""
  await waitFor(
    async () => {
      last = describeDifference(await pageMaps(page, NAMESPACES), await panelMaps(panel, labels, NAMESPACES, docId))
      return last === ""
    },
    what,
    20_000,
  ).catch(error => {
    throw new Error(`${error.message}\n${last}`)
  })
}

/**
 * Drives the demo's extra peers on the page: each step waits `gapMs` after it,
 * so the recording holds them that far apart (the session's input, not a wait
 * for a result).
 */
async function act(page: Page, steps: Array<{ peer: number; cursor?: [number, number]; typing?: boolean }>, gapMs: number) {
  await page.evaluate(
    async ({ list, gap }: { list: typeof steps; gap: number }) => {
      for (const step of list) {
        const peer = (window as any).demo.peers[step.peer]
        if (step.cursor) peer.setCursor(...step.cursor)
        if (step.typing !== undefined) peer.setTyping(step.typing)
        await new Promise(resolve => setTimeout(resolve, gap))
      }
    },
    { list: steps, gap: gapMs },
  )
}

describe.each(BROWSERS)("replay from a point in %s", name => {
  const browser = browserSession(name)

  it("sets the page to the recording's state at the point first, then continues to its end; stop removes the peers", async () => {
    const room = `rec-from-point-${name}`
    const docId = `room:${room}`
    const tab = await browser.openTab(`${demoUrl}/?room=${room}&name=ann&peers=3&autopilot=0`)
    const ids = await demoReady(tab.page)
    await act(
      tab.page,
      [
        { peer: 1, cursor: [100, 100] },
        { peer: 2, cursor: [600, 400] },
      ],
      0,
    )
    const panel = await browser.openPanel(tab.tabId)
    await waitForRepos(panel, 3, "the page's three repos")
    await settled(tab.page, panel, docId, "the starting positions")
    await clickTestId(panel, "tab-record")
    await clickTestId(panel, "rec-start")
    await waitFor(async () => (await attribute(panel, testId("rec-status"), "data-state")) === "recording", "recording to start")

    // Before the mark: both move, ann-3 starts typing.
    await act(
      tab.page,
      [
        { peer: 1, cursor: [140, 120] },
        { peer: 2, cursor: [580, 380], typing: true },
        { peer: 1, cursor: [180, 150] },
        { peer: 2, cursor: [560, 350] },
      ],
      80,
    )
    await settled(tab.page, panel, docId, "the panel to catch up before the mark")
    await clickTestId(panel, "rec-mark")
    // After the mark: ann's own cursor jumps four times in one go (one batch, reaching the panel
    // after the page had moved on), then everyone moves on and ann-3 stops typing.
    await tab.page.evaluate((points: Array<{ x: number; y: number }>) => {
      for (const { x, y } of points) (window as any).demo.peers[0].setCursor(x, y)
    }, BURST)
    await act(
      tab.page,
      [
        { peer: 1, cursor: [260, 220] },
        { peer: 2, cursor: [500, 300], typing: false },
        { peer: 1, cursor: [300, 260] },
        { peer: 2, cursor: [480, 280] },
      ],
      80,
    )
    await settled(tab.page, panel, docId, "the panel to catch up before stopping")
    await clickTestId(panel, "rec-stop")
    await waitFor(() => recordingState(panel), "the stopped recording")

    // By default ann-2 and ann-3 replay, not the page's own peer (ann) nor the hub; ann is ticked by hand.
    const checked = (): Promise<string[]> =>
      panel.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement>('[data-testid="replay-peer"]')]
          .filter(box => box.checked)
          .map(box => box.dataset.key ?? ""),
      )
    expect((await checked()).sort()).toEqual([ids[1]!, ids[2]!].sort())
    await domClick(panel, testId("replay-peer", '[data-self="true"]'))
    const chosen = await checked()
    expect(chosen.sort()).toEqual([...ids].sort())
    const keys = new Set(chosen)
    const atEnd = recordedValues((await recordingState(panel))!, "ann", docId, keys)
    // The point: inside the burst, ann's cursor at its second position, the next two still to come.
    const markPosition = Number(
      await panel.evaluate(() =>
        document.querySelector('[data-testid="timeline-marker"][data-kind="mark"]')?.getAttribute("data-position"),
      ),
    )
    await panel.click(testId("timeline-marker", '[data-kind="mark"]'))
    await waitFor(async () => (await recordingCursor(panel))?.position === markPosition, "the cursor at the mark")
    await panel.evaluate(() => document.querySelector<HTMLElement>('[data-testid="timeline"]')!.focus())
    const annCursor = async () => recordedValues((await recordingState(panel))!, "ann", docId, new Set([ids[0]!]))[ids[0]!]?.cursor
    for (let step = 0; canonicalJson(await annCursor()) !== canonicalJson(BURST[1]); step++) {
      if (step > 500) throw new Error(`no position with ann's cursor at ${JSON.stringify(BURST[1])}`)
      await panel.press("ArrowRight")
    }
    const atPoint = recordedValues((await recordingState(panel))!, "ann", docId, keys)
    expect(atPoint[ids[2]!]?.typing).toEqual({ typing: true })
    expect(atPoint).not.toEqual(atEnd)
    const recordedByName = new Map(chosen.map(key => [(atEnd[key]!.presence as { name: string }).name, key]))
    expect([...recordedByName.keys()].sort()).toEqual(["ann", "ann-2", "ann-3"])

    await watchNewKeys(tab.page, NAMESPACES)
    await fill(panel, testId("replay-visibility"), "local")
    await clickTestId(panel, "replay-start")
    await waitFor(
      async () => (await attribute(panel, testId("replay-status"), "data-state")) === "finished",
      "the replay to finish",
      20_000,
    )
    const snapshots = (await newKeySnapshots(tab.page)).map(snapshot => byRecordedPeer(snapshot, recordedByName))
    const first = snapshots.find(values => coversShape(values, atPoint))
    expect(first, `snapshots: ${JSON.stringify(snapshots.slice(0, 5))}`).toEqual(atPoint)
    // Then on to the end, as recorded.
    await waitFor(
      async () => canonicalJson(byRecordedPeer(await currentNewKeys(tab.page, NAMESPACES), recordedByName)) === canonicalJson(atEnd),
      "the replayed peers at the recording's end state",
    ).catch(async error => {
      throw new Error(
        `${error.message}\nnow: ${JSON.stringify(byRecordedPeer(await currentNewKeys(tab.page, NAMESPACES), recordedByName))}\nend: ${JSON.stringify(atEnd)}`,
      )
    })

    await clickTestId(panel, "replay-stop")
    await waitFor(
      async () => Object.values(await currentNewKeys(tab.page, NAMESPACES)).every(entries => Object.keys(entries).length === 0),
      "the replayed peers removed from the page",
    )
    await Promise.all([panel.close(), tab.page.close()])
  })
})
