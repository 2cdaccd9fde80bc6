/**
 * The standalone panel's views as in the extension, on Node repos: the
 * demo hub and a Node worker (a spoke of the hub, in its own process), both
 * connected to the standalone server, two Chromium tabs on the demo app,
 * and the panel page. Both processes show as repos in one panel; Sync shows
 * the hub's channels, Log its traffic; a recording of the hub replays
 * through the hub into another room, where a tab sees the recorded peers
 * move along their recorded paths.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { join } from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Hub, startHub } from "../../demo/server/hub"
import { type StandaloneServer, startStandaloneServer } from "../../standalone/server/server"
import { CHROMIUM_QUIET_FLAGS, chromiumPath } from "./support/browsers"
import { canonicalJson } from "./support/canonical-json"
import { demoReady, panelState } from "./support/demo-page"
import { attribute, domClick, testId, text } from "./support/dom"
import { DEMO_DIST, ROOT, STANDALONE_PANEL_DIST } from "./support/paths"
import {
  aroundAction,
  cursorPaths,
  exportRecording,
  followsInOrder,
  recordingState,
  remoteCursorNames,
  watchCursors,
} from "./support/recording-panel"
import { hubMapsAgree } from "./support/standalone-hub"
import { waitFor } from "./support/wait"

const ROOM = "views"
const DOC_ID = `room:${ROOM}`
const REPLAY_DOC_ID = "room:replayed"
const PATHS: Record<"alice" | "bob", Array<[number, number]>> = {
  alice: [
    [100, 100],
    [150, 120],
    [200, 150],
    [250, 190],
    [300, 240],
  ],
  bob: [
    [600, 400],
    [570, 350],
    [540, 300],
    [510, 250],
    [480, 200],
  ],
}

describe("standalone panel views on a hub and a worker", () => {
  let browser: Browser
  let server: StandaloneServer
  let hub: Hub
  let worker: ChildProcessWithoutNullStreams
  let workerPeerId: string
  let panel: Page
  const tabs: Record<string, Page> = {}

  /** The panel's repo id for a label (the panel scopes each process's ids). */
  async function repoIdOf(label: string): Promise<string> {
    return waitFor(async () => (await panelState(panel)).repos.find(r => r.label === label && !r.gone)?.repoId, `${label}'s repo`)
  }

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_QUIET_FLAGS })
    server = await startStandaloneServer({ port: 0, panelDir: STANDALONE_PANEL_DIST })
    hub = await startHub({ port: 0, staticDir: DEMO_DIST, standalone: server.address })
    worker = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/e2e/fixtures/node-worker.ts")], {
      cwd: ROOT,
      env: { ...process.env, HUB_WS_URL: hub.wsUrl, ROOM, EPHEMERA_STANDALONE: server.address },
    })
    let out = ""
    worker.stdout.on("data", chunk => (out += chunk))
    worker.stderr.on("data", chunk => (out += chunk))
    workerPeerId = await waitFor(() => /^ready (\S+)$/m.exec(out)?.[1], `the worker in the room (${out})`, 30_000)
    panel = await browser.newPage()
    await panel.setViewportSize({ width: 1400, height: 900 })
    await panel.goto(server.panelUrl)
    for (const name of ["alice", "bob"]) {
      const tab = await browser.newPage()
      await tab.goto(`${hub.url}/?room=${ROOM}&name=${name}&autopilot=0`)
      await demoReady(tab)
      tabs[name] = tab
    }
  })

  afterAll(async () => {
    worker?.kill()
    await browser?.close()
    await hub?.close()
    await server?.close()
  })

  it("shows the worker's process beside the hub's: its repo, and its channel among the hub's in Sync", async () => {
    const [hubId, workerId] = [await repoIdOf("hub"), await repoIdOf("worker")]
    expect((await panelState(panel)).repos.find(r => r.repoId === workerId)?.peerId).toBe(workerPeerId)
    const tabPeers = (await Promise.all(Object.values(tabs).map(tab => demoReady(tab)))).flat()

    await domClick(panel, testId("tab-sync"))
    await panel.locator(`[data-testid="sync-repo"][data-repo-id="${hubId}"]`).click()
    const channelPeers = () =>
      panel
        .locator('[data-testid="sync-channel"][data-established="true"][data-kind="network"] td[title]')
        .evaluateAll(cells => cells.map(cell => cell.getAttribute("title")).sort())
    await waitFor(
      async () => canonicalJson(await channelPeers()) === canonicalJson([...tabPeers, workerPeerId].sort()),
      "the hub's channels: each tab and the worker",
    )
    await panel.locator(`[data-testid="sync-repo"][data-repo-id="${workerId}"]`).click()
    await waitFor(
      async () => canonicalJson(await channelPeers()) === canonicalJson([hub.repo.identity.peerId]),
      "the worker's channel to the hub",
    )
  })

  it("logs what the hub heard from the worker and what the worker sent, each under its own repo", async () => {
    const [hubId, workerId] = [await repoIdOf("hub"), await repoIdOf("worker")]
    await domClick(panel, testId("tab-log"))
    worker.stdin.write("move 4242 4343\n")
    await panel.getByTestId("log-search").fill('"x":4242')
    const loggedRepos = () =>
      panel.locator('[data-testid="log-row"]').evaluateAll(rows => rows.map(row => (row as HTMLElement).dataset.repoId))
    await waitFor(async () => {
      const repos = await loggedRepos()
      return repos.includes(hubId) && repos.includes(workerId)
    }, "the worker's write in both repos' logs")
    expect(Number(await panel.getByTestId("log-count").getAttribute("data-shown"))).toBeGreaterThanOrEqual(2)
    await panel.getByTestId("log-search").fill("")
  })

  it("records the hub, and replays the recording through the hub into another room's tab", async () => {
    await domClick(panel, testId("tab-record"))
    await domClick(panel, testId("rec-start"))
    await waitFor(async () => (await attribute(panel, testId("rec-status"), "data-state")) === "recording", "recording to start")
    await Promise.all(
      Object.entries(PATHS).map(([name, path]) =>
        tabs[name]!.evaluate(async points => {
          for (const [x, y] of points) {
            ;(window as any).demo.peers[0].setCursor(x, y)
            await new Promise(resolve => setTimeout(resolve, 150))
          }
        }, path),
      ),
    )
    await hubMapsAgree(panel, hub, DOC_ID, 3, "the paths to reach the panel's hub")
    const atStop = await aroundAction(panel, () => domClick(panel, testId("rec-stop")))
    const end = await waitFor(() => recordingState(panel), "the stopped recording on the timeline")
    expect(atStop, "the end of the recording is the live state at stop").toContain(canonicalJson(end))
    const bytes = await exportRecording(panel)
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x45, 0x50, 0x48, 0x52, 0x45, 0x43, 0x0a])

    const dora = await browser.newPage()
    await dora.goto(`${hub.url}/?room=replayed&name=dora&autopilot=0`)
    await demoReady(dora)
    await watchCursors(dora)
    const hubId = await repoIdOf("hub")
    await waitFor(
      async () => (await panelState(panel)).repos.find(r => r.repoId === hubId)?.rooms.some(room => room.docId === REPLAY_DOC_ID),
      "the hub in dora's room",
    )
    await panel.getByTestId("replay-source-repo").selectOption(hubId)
    await panel.getByTestId("replay-source-room").selectOption(DOC_ID)
    await panel.getByTestId("replay-target-repo").selectOption(hubId)
    await panel.getByTestId("replay-target-room").selectOption(REPLAY_DOC_ID)
    await panel.getByTestId("replay-visibility").selectOption("network")
    await domClick(panel, testId("replay-start"))
    await waitFor(
      async () => (await attribute(panel, testId("replay-status"), "data-state")) === "finished",
      "the replay to finish",
      20_000,
    )
    await waitFor(async () => {
      const paths = await cursorPaths(dora)
      return Object.entries(PATHS).every(([name, path]) => canonicalJson(paths[name]?.at(-1)) === canonicalJson(path.at(-1)))
    }, "the recorded cursors at the end of their paths in dora's tab").catch(async error => {
      throw new Error(`${error.message}\nseen ${JSON.stringify(await cursorPaths(dora))}\n${await text(panel, testId("replay-error"))}`)
    })
    const paths = await cursorPaths(dora)
    for (const [name, path] of Object.entries(PATHS)) {
      expect(followsInOrder(paths[name]!, path), `${name} went ${JSON.stringify(paths[name])}`).toBe(true)
    }
    expect(await text(panel, testId("replay-error"))).toBeNull()

    await domClick(panel, testId("replay-stop"))
    await waitFor(async () => (await remoteCursorNames(dora)).length === 0, "the replayed peers gone from dora's tab")
    await dora.close()
  })
})
