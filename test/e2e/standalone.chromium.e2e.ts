/**
 * The standalone panel as a user runs it: its server, the demo hub
 * connected to it (EPHEMERA_STANDALONE's address), three browser tabs on
 * the demo app, and the panel page open in Chromium. The panel must show
 * the hub's repo with each tab as a channel, the hub's maps key for key,
 * and the hub's fan-out; it must refuse a wrong token; and the hub and the
 * tabs must carry on without it, the hub coming back when it returns.
 */
import { chromium, type Browser, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { type Hub, startHub } from "../../demo/server/hub"
import { type StandaloneServer, startStandaloneServer } from "../../standalone/server/server"
import { CHROMIUM_QUIET_FLAGS, chromiumPath } from "./support/browsers"
import { canonicalJson } from "./support/canonical-json"
import { demoReady, panelState } from "./support/demo-page"
import { domClick } from "./support/dom"
import { DEMO_DIST, STANDALONE_PANEL_DIST } from "./support/paths"
import { addPeers, memberIds, openSimulate } from "./support/simulate-panel"
import { hubMapsAgree } from "./support/standalone-hub"
import { waitFor } from "./support/wait"

const TOKEN = "e2e-standalone-token-0123456789"
const ROOM = "standalone"
const DOC_ID = `room:${ROOM}`

describe("standalone panel with the demo hub", () => {
  let browser: Browser
  let server: StandaloneServer
  let hub: Hub
  let panel: Page
  const tabs: Page[] = []

  const startServer = (port = 0) => startStandaloneServer({ port, token: TOKEN, panelDir: STANDALONE_PANEL_DIST })

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_QUIET_FLAGS })
    server = await startServer()
    hub = await startHub({ port: 0, staticDir: DEMO_DIST, standalone: server.address, standaloneLink: { minDelayMs: 50, maxDelayMs: 500 } })
    panel = await browser.newPage()
    await panel.goto(server.panelUrl)
    for (const name of ["alice", "bob", "carol"]) {
      const tab = await browser.newPage()
      await tab.goto(`${hub.url}/?room=${ROOM}&name=${name}&autopilot=0`)
      await demoReady(tab)
      tabs.push(tab)
    }
  })

  afterAll(async () => {
    await browser?.close()
    await hub?.close()
    await server?.close()
  })

  const mapsAgree = (what: string) => hubMapsAgree(panel, hub, DOC_ID, 3, what)

  it("shows the hub's repo, each tab as a channel, its maps equal to the hub's after a storm, and its fan-out", async () => {
    const fanOutRows = panel.getByTestId("fan-out-row")
    await waitFor(async () => (await fanOutRows.count()) === 3, "one fan-out row per tab's channel")
    const peerIds = await Promise.all(tabs.map(tab => demoReady(tab)))
    const channelPeers = await fanOutRows.evaluateAll(rows => rows.map(row => row.getAttribute("data-peer-id")))
    expect(new Set(channelPeers)).toEqual(new Set(peerIds.flat()))

    const sent = await Promise.all(
      tabs.map(tab =>
        tab.evaluate(async () => {
          const [peer] = (window as any).demo.peers
          for (let i = 0; i < 400; i++) {
            peer.setCursor(i, 2 * i)
            if (i % 20 === 0) peer.setTyping(i % 40 === 0)
            if (i % 25 === 0) await new Promise(resolve => setTimeout(resolve, 0))
          }
          return 400
        }),
      ),
    )
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1_200)
    await mapsAgree("the panel's hub maps to equal the hub's getAllStates()")

    // A heartbeat (every 10 s) re-broadcasts the hub's store to every spoke: its figures appear per channel.
    await waitFor(
      async () =>
        (await fanOutRows.evaluateAll(rows => rows.every(row => Number(row.getAttribute("data-heartbeat-entries")) > 0))) === true,
      "every channel's fan-out per heartbeat",
      25_000,
    )
    const figures = await fanOutRows.evaluateAll(rows =>
      rows.map(row => ({
        total: Number(row.getAttribute("data-total-entries")),
        perSecond: Number(row.getAttribute("data-second-entries")),
      })),
    )
    for (const { total, perSecond } of figures) {
      expect(total).toBeGreaterThan(0)
      // The heartbeat just now falls in the last ten seconds.
      expect(perSecond).toBeGreaterThan(0)
    }
    // Each tab's cursor as the hub holds it, beside when the hub last heard it from that tab.
    const relayed = await panel
      .locator('[data-testid="relayed-key-row"][data-namespace="cursor"]')
      .evaluateAll(rows => rows.map(row => [row.getAttribute("data-key"), row.getAttribute("data-heard")]))
    expect(Object.fromEntries(relayed)).toEqual(Object.fromEntries(peerIds.flat().map(id => [id, "true"])))
  })

  it("adds simulated peers in the hub that reach every tab, and removes them from every tab", async () => {
    await openSimulate(panel)
    const ghosts = await addPeers(panel, { name: "hub-ghost", count: 2, visibility: "network" })
    const ids = ghosts.map(row => row.id)
    for (const tab of tabs) {
      await waitFor(
        async () => (await memberIds(tab)).filter(id => ids.includes(id)).length === 2,
        "every tab to list the hub's simulated peers",
      )
    }
    await domClick(panel, '[data-testid="sim-remove-all"]')
    for (const tab of tabs) {
      await waitFor(
        async () => (await memberIds(tab)).filter(id => ids.includes(id)).length === 0,
        "every tab to drop the hub's simulated peers",
      )
    }
    await domClick(panel, '[data-testid="tab-live"]')
  })

  it("refuses a wrong token, from a process and from a page", async () => {
    const refused = await new Promise<number>(resolve => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/hook?token=wrong-token`)
      socket.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0))
      socket.once("open", () => resolve(101))
      socket.once("error", () => {})
    })
    expect(refused).toBe(401)
    const intruder = await browser.newPage()
    const answers: number[] = []
    intruder.on("websocket", socket => socket.on("socketerror", () => answers.push(0)))
    await intruder.goto(`http://127.0.0.1:${server.port}/#token=wrong-token`)
    await waitFor(() => answers.length > 0, "the page's socket to be refused")
    expect((await panelState(intruder)).repos).toEqual([])
    await intruder.close()
  })

  it("leaves the hub and the tabs working when stopped, and the hub reconnects when it returns", async () => {
    const { port } = server
    await server.close()
    await waitFor(
      async () => (await panel.getByTestId("page-status").getAttribute("data-connected")) === "false",
      "the panel to see its server gone",
    )
    // The tabs go on talking through the hub.
    await tabs[0]!.evaluate(() => (window as any).demo.peers[0].setCursor(7, 7))
    const [alice] = await demoReady(tabs[0]!)
    for (const tab of tabs.slice(1)) {
      await waitFor(
        async () =>
          canonicalJson(await tab.evaluate(id => (window as any).demo.peers[0].getStates("cursor")[id], alice)) ===
          canonicalJson({ x: 7, y: 7 }),
        "a tab to see another's cursor",
      )
    }

    server = await startServer(port)
    await waitFor(
      async () => (await panel.getByTestId("page-status").getAttribute("data-connected")) === "true",
      "the panel back on its server",
    )
    await waitFor(
      async () => (await panelState(panel)).repos.some(repo => repo.label === "hub" && !repo.gone),
      "the hub back in the panel",
      20_000,
    )
    await tabs[1]!.evaluate(() => (window as any).demo.peers[0].setCursor(11, 11))
    await mapsAgree("the panel's hub maps to equal the hub's again")
  })
})
