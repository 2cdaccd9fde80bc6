/**
 * Record and replay against the demo app: a recording exported from one
 * panel opens in a fresh one at exactly the live state it was stopped (and
 * marked) in, steps and travels with the keyboard, refuses a cut file, and
 * replays its peers along their recorded paths into another room.
 */
import { describe, expect, inject, it } from "vitest"
import { canonicalJson } from "./support/canonical-json"
import { demoReady, peerNames, waitForRepos } from "./support/demo-page"
import { attribute, count, domClick, fill, testId, text } from "./support/dom"
import { describeDifference, pageMaps, panelMaps } from "./support/fidelity"
import {
  aroundAction,
  cursorPaths,
  exportRecording,
  followsInOrder,
  recordingCursor,
  recordingState,
  remoteCursorNames,
  watchCursors,
} from "./support/recording-panel"
import { browserSession } from "./support/scenario"
import { BROWSERS, type SessionPage as Page } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")
const NAMESPACES = ["presence", "cursor", "typing"]
const clickTestId = (panel: Page, id: string) => domClick(panel, testId(id))

/** Waits until the panel's maps equal the page's own stores (nothing in flight). */
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

/** Moves one demo peer's cursor along a path, a little apart in time so the recording spreads it out. */
async function walk(page: Page, peer: number, path: Array<[number, number]>, gapMs: number): Promise<void> {
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

async function openRecordingFile(panel: Page, bytes: Uint8Array, name: string): Promise<void> {
  await clickTestId(panel, "tab-record")
  await panel.chooseFile(testId("rec-open-input"), name, bytes)
  await waitFor(async () => (await text(panel, testId("rec-info")))?.includes(name), `${name} to open`)
}

describe.each(BROWSERS)("record and replay in %s", name => {
  const browser = browserSession(name)

  it("round trip: the end of an imported recording equals the live state at stop, and its mark the state then", async () => {
    const docId = `room:rec-roundtrip-${name}`
    const host = await browser.openTab(`${demoUrl}/?room=rec-roundtrip-${name}&name=rita&peers=2&autopilot=0`)
    const guest = await browser.openTab(`${demoUrl}/?room=rec-roundtrip-${name}&name=sam`)
    await demoReady(host.page)
    await demoReady(guest.page)
    const panel = await browser.openPanel(host.tabId)
    await waitForRepos(panel, 2, "the host's two repos")
    await clickTestId(panel, "tab-record")
    // The host reloads half-way: the recording follows it.
    await clickTestId(panel, "rec-across-reloads")
    await clickTestId(panel, "rec-start")
    await waitFor(async () => (await attribute(panel, testId("rec-status"), "data-state")) === "recording", "recording to start")

    // Before the mark: everyone moves, rita-2 types.
    await Promise.all([
      walk(
        host.page,
        0,
        [
          [10, 10],
          [40, 20],
          [80, 35],
        ],
        30,
      ),
      walk(
        host.page,
        1,
        [
          [300, 200],
          [320, 220],
        ],
        30,
      ),
      walk(
        guest.page,
        0,
        [
          [500, 100],
          [520, 140],
          [540, 180],
        ],
        30,
      ),
      host.page.evaluate(() => (window as any).demo.peers[1].setTyping(true)),
    ])
    await settled(host.page, panel, docId, "the panel to catch up before the mark")
    const atMark = await aroundAction(panel, () => clickTestId(panel, "rec-mark"))

    // After the mark: more moves, typing stops, the host reloads, sam leaves.
    await walk(
      host.page,
      0,
      [
        [120, 60],
        [160, 90],
      ],
      30,
    )
    await host.page.evaluate(() => (window as any).demo.peers[1].setTyping(false))
    await settled(host.page, panel, docId, "the panel to catch up before the reload")
    await host.page.reload()
    await demoReady(host.page)
    await waitForRepos(panel, 2, "the reloaded page's repos")
    await walk(host.page, 0, [[200, 120]], 0)
    // The hub's own server presence is not a client.
    const clients = (presence: Record<string, unknown>) =>
      Object.values(presence).filter(value => (value as { type?: string })?.type !== "server")
    let present: Record<string, unknown> = {}
    // Sam leaves once the reloaded host is back in the room: the hub sends sam's departure (a
    // deletion) to the channels it has joined to the room by then, and a host still rejoining
    // would keep sam as a ghost (the library's way, which the Diagnostics tab names).
    await waitFor(async () => {
      present = (await pageMaps(host.page, ["presence"])).rita!.presence!
      return clients(present).length === 3
    }, "the reloaded host to see sam").catch(error => {
      throw new Error(`${error.message}: rita sees ${JSON.stringify(present)}`)
    })
    await guest.page.close()
    await settled(host.page, panel, docId, "sam's departure to reach the panel")
    // Two clients left (rita, rita-2).
    await waitFor(async () => {
      present = (await pageMaps(host.page, ["presence"])).rita!.presence!
      return clients(present).length === 2
    }, "sam gone from the page").catch(error => {
      throw new Error(`${error.message}: rita sees ${JSON.stringify(present)}`)
    })
    await settled(host.page, panel, docId, "the panel to catch up before stopping")
    const atStop = await aroundAction(panel, () => clickTestId(panel, "rec-stop"))
    await waitFor(() => recordingState(panel), "the stopped recording on the timeline")

    const bytes = await exportRecording(panel)
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x45, 0x50, 0x48, 0x52, 0x45, 0x43, 0x0a])

    // A fresh panel on a page without any repo: the recording needs no live page.
    const blank = await browser.openTab(`${fixtureUrl}/first-script.html`)
    const fresh = await browser.openPanel(blank.tabId)
    await openRecordingFile(fresh, bytes, "roundtrip.ephrec")
    // Key for key (values, tombstones, timestamps, counters): the live state just before or just after the click.
    const end = canonicalJson(await recordingState(fresh))
    expect(atStop, "the end of the timeline is the live state at stop").toContain(end)
    expect(await fresh.evaluate(() => (window as any).__ephemeraPanelState.repos.length)).toBe(0)

    // Seek to the marked midpoint.
    const mark = testId("timeline-marker", '[data-kind="mark"]')
    const markPosition = Number(await attribute(fresh, mark, "data-position"))
    await fresh.click(mark)
    await waitFor(async () => (await recordingCursor(fresh))?.position === markPosition, "the cursor at the mark")
    const mid = canonicalJson(await recordingState(fresh))
    expect(atMark, "the state at the mark is the live state when it was marked").toContain(mid)
    expect(mid).not.toBe(end)
    // The reloaded page's repos took the old ones' places: same labels, new registrations.
    const repos = (json: string) => JSON.parse(json).repos.map((repo: { label: string; gone: boolean }) => `${repo.label}:${repo.gone}`)
    expect(repos(end)).toEqual(["rita:false", "rita-2:false"])
    expect(repos(mid)).toEqual(repos(end))
    expect(await count(fresh, testId("timeline-marker", '[data-kind="page"]'))).toBeGreaterThan(0)

    // Step with the keyboard: one event back, one forward, back where it was.
    await fresh.evaluate(() => document.querySelector<HTMLElement>('[data-testid="timeline"]')!.focus())
    await fresh.press("ArrowLeft")
    await waitFor(async () => (await recordingCursor(fresh))?.position === markPosition - 1, "one step back")
    await fresh.press("ArrowRight")
    await waitFor(async () => (await recordingCursor(fresh))?.position === markPosition, "one step forward")
    expect(canonicalJson(await recordingState(fresh))).toBe(mid)
    // Travel to the opening checkpoint and to the end.
    const total = (await recordingCursor(fresh))!.total
    await fresh.press("Home")
    await waitFor(async () => (await recordingCursor(fresh))?.position === 0, "the cursor at the start")
    expect(canonicalJson(await recordingState(fresh))).not.toBe(mid)
    await fresh.press("End")
    await waitFor(async () => (await recordingCursor(fresh))?.position === total, "the cursor at the end")
    expect(canonicalJson(await recordingState(fresh))).toBe(end)

    // A file that holds nothing to open (cut inside its metadata): a clear message, and the open recording stays.
    await fresh.chooseFile(testId("rec-open-input"), "cut.ephrec", bytes.subarray(0, 30))
    await waitFor(async () => (await text(fresh, testId("rec-error")))?.startsWith("Recording is truncated:"), "the truncation message")
    expect(await text(fresh, testId("rec-info"))).toContain("roundtrip.ephrec")
    expect(canonicalJson(await recordingState(fresh))).toBe(end)
    await Promise.all([fresh.close(), blank.page.close(), panel.close(), host.page.close()])
  })

  it("replay: a recorded two-peer session moves along its recorded cursor paths in a fresh tab, and stop removes it", async () => {
    const source = await browser.openTab(`${demoUrl}/?room=rec-replay-src-${name}&name=ann&peers=2&autopilot=0`)
    await demoReady(source.page)
    const pathA: Array<[number, number]> = [
      [100, 100],
      [140, 110],
      [180, 130],
      [220, 160],
      [260, 200],
      [300, 250],
    ]
    const pathB: Array<[number, number]> = [
      [600, 400],
      [580, 360],
      [560, 320],
      [540, 280],
      [520, 240],
      [500, 200],
    ]
    await walk(source.page, 0, [pathA[0]!], 0)
    await walk(source.page, 1, [pathB[0]!], 0)
    const panel = await browser.openPanel(source.tabId)
    await waitForRepos(panel, 2, "the two repos")
    await settled(source.page, panel, `room:rec-replay-src-${name}`, "the starting positions")
    await clickTestId(panel, "tab-record")
    await clickTestId(panel, "rec-start")
    await Promise.all([walk(source.page, 0, pathA.slice(1), 150), walk(source.page, 1, pathB.slice(1), 150)])
    await settled(source.page, panel, `room:rec-replay-src-${name}`, "the paths to reach the panel")
    await clickTestId(panel, "rec-stop")
    await waitFor(() => recordingState(panel), "the stopped recording")
    const bytes = await exportRecording(panel)
    await Promise.all([panel.close(), source.page.close()])

    const target = await browser.openTab(`${demoUrl}/?room=rec-replay-dst-${name}&name=cy&autopilot=0`)
    await demoReady(target.page)
    const targetPanel = await browser.openPanel(target.tabId)
    await waitForRepos(targetPanel, 1, "the target repo")
    await openRecordingFile(targetPanel, bytes, "two-peers.ephrec")
    await watchCursors(target.page)
    await fill(targetPanel, testId("replay-visibility"), "local")
    expect(await targetPanel.evaluate(() => document.querySelector<HTMLInputElement>('[data-testid="replay-target-room"]')?.value)).toBe(
      `room:rec-replay-dst-${name}`,
    )
    // By default neither the recorded page's own peer (ann) nor the hub (a service) replays; ann is ticked by hand.
    const replayPeers = () =>
      targetPanel.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement>('[data-testid="replay-peer"]')].map(box => ({
          key: box.dataset.key,
          role: box.dataset.role,
          self: box.dataset.self === "true",
          name: box.dataset.name,
          checked: box.checked,
        })),
      )
    const offered = await replayPeers()
    expect(
      offered.filter(peer => peer.role === "service").map(peer => peer.checked),
      JSON.stringify(offered),
    ).toEqual([false])
    expect(
      offered.filter(peer => peer.self).map(peer => peer.checked),
      JSON.stringify(offered),
    ).toEqual([false])
    expect(
      offered.filter(peer => peer.role === "client" && !peer.self).map(peer => peer.checked),
      JSON.stringify(offered),
    ).toEqual([true])
    await domClick(targetPanel, testId("replay-peer", '[data-self="true"]'))
    expect((await replayPeers()).filter(peer => peer.self).map(peer => peer.checked)).toEqual([true])
    // The live hub's own presence, as the page draws it: the replay must leave it alone.
    const servers = () =>
      target.page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-testid="server-status"]')].map(
          item => `${item.dataset.peerId}:${item.dataset.clients}`,
        ),
      )
    const liveServer = await waitFor(async () => {
      const now = await servers()
      return now.length === 1 && now[0]!.endsWith(":1") ? now : undefined
    }, "the live hub's server line")
    await clickTestId(targetPanel, "replay-start")
    const otherServerLines: string[][] = []
    await waitFor(
      async () => {
        const now = await servers()
        if (canonicalJson(now) !== canonicalJson(liveServer)) otherServerLines.push(now)
        return (await attribute(targetPanel, testId("replay-status"), "data-state")) === "finished"
      },
      "the replay to finish",
      20_000,
    )
    await waitFor(async () => {
      const paths = await cursorPaths(target.page)
      return (
        canonicalJson(paths.ann?.at(-1)) === canonicalJson(pathA.at(-1)) &&
        canonicalJson(paths["ann-2"]?.at(-1)) === canonicalJson(pathB.at(-1))
      )
    }, "both cursors at the end of their paths").catch(async error => {
      const status = await text(targetPanel, testId("replay-status"))
      const cursors = await target.page.evaluate(() => (window as any).demo.peers[0].getStates("cursor"))
      throw new Error(
        `${error.message}\ncursor store: ${JSON.stringify(cursors)}\nseen: ${JSON.stringify(await cursorPaths(target.page))}\nstatus: ${status}\nerror: ${await text(targetPanel, testId("replay-error"))}`,
      )
    })
    const paths = await cursorPaths(target.page)
    for (const [peer, path] of [
      ["ann", pathA],
      ["ann-2", pathB],
    ] as const) {
      const seen = paths[peer]!
      expect(followsInOrder(seen, path), `${peer} went ${JSON.stringify(seen)}, recorded ${JSON.stringify(path)}`).toBe(true)
      // Every recorded point was shown (they were 150 ms apart; the page draws each).
      expect(seen.length, `${peer}: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(path.length - 1)
    }
    expect(await text(targetPanel, testId("replay-error"))).toBeNull()
    expect(otherServerLines).toEqual([])
    expect(await servers()).toEqual(liveServer)

    await clickTestId(targetPanel, "replay-stop")
    await waitFor(async () => (await remoteCursorNames(target.page)).length === 0, "the replayed peers removed from the page")
    await Promise.all([targetPanel.close(), target.page.close()])
  })
})
