/**
 * Simulated peers end to end: the demo app in two tabs joined through the
 * hub, the panel of tab A adding peers. What counts is what tab B renders
 * and stores, not what the panel believes.
 */
import { describe, expect, inject, it } from "vitest"
import { demoReady } from "./support/demo-page"
import { attribute, count, domClick, testId } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import {
  addPeers,
  countHeartbeats,
  heartbeats,
  memberIds,
  openSimulate,
  pageKnows,
  remoteCursors,
  simRows,
  waitForMovingCursors,
  hookListening,
} from "./support/simulate-panel"
import { holdsUntil, waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
/** After the event a leak would ride on, how long tab B is still watched: a frame crosses the local hub in milliseconds. */
const CROSSING_MS = 1_000

describe.each(BROWSERS)("simulated peers in %s", name => {
  const browser = browserSession(name)

  async function twoTabs(room: string) {
    const a = await browser.openTab(`${demoUrl}/?room=${room}&name=alice`)
    const b = await browser.openTab(`${demoUrl}/?room=${room}&name=bob`)
    await Promise.all([demoReady(a.page), demoReady(b.page)])
    // Real cursors, so the editor has positions to take its bounds from.
    await a.page.evaluate(() => (window as any).demo.peers[0].setCursor(200, 150))
    await b.page.evaluate(() => (window as any).demo.peers[0].setCursor(640, 420))
    const panel = await browser.openPanel(a.tabId)
    await openSimulate(panel)
    return { a, b, panel }
  }

  it("shows network-wide peers in tab B, keeps a local-only one out of it for two heartbeats, and removes all from both", async () => {
    const { a, b, panel } = await twoTabs("sim-wide")
    await countHeartbeats(a.page)

    const ghosts = await addPeers(panel, { name: "ghost", count: 3, visibility: "network", cursorHz: 20 })
    expect(ghosts.map(row => row.name)).toEqual(["ghost-1", "ghost-2", "ghost-3"])
    const ghostIds = ghosts.map(row => row.id)
    const rendered = await waitForMovingCursors(b.page, ghostIds, "tab B")
    expect(rendered.map(cursor => cursor.name).sort()).toEqual(["ghost-1", "ghost-2", "ghost-3"])
    // The default value is a client's, not the hub's server presence: both tabs list the ghosts as
    // members, and the app's own server counts them as clients.
    const realIds = [...(await demoReady(a.page)), ...(await demoReady(b.page))]
    const templateFrom = await attribute(panel, testId("sim-template-from"), "data-peer-id")
    expect(realIds).toContain(templateFrom)
    for (const [tab, page] of [
      ["A", a.page],
      ["B", b.page],
    ] as const) {
      await waitFor(
        async () => (await memberIds(page)).filter(id => ghostIds.includes(id)).length === 3,
        `tab ${tab} to list the ghosts as members`,
      )
    }
    await waitFor(
      async () => (await attribute(b.page, testId("server-status"), "data-clients")) === "5",
      "the hub to count alice, bob and three ghosts as clients",
    )

    const [hermit] = await addPeers(panel, { name: "hermit", count: 1, visibility: "local" })
    await waitForMovingCursors(a.page, [hermit!.id], "tab A")
    // Tab A's repo re-broadcasts every key of its stores on each heartbeat: a
    // leak would ride on one. Tab B is checked continuously until two have
    // gone out, and a moment longer for a leaked frame to arrive.
    const beatsBefore = await heartbeats(a.page)
    let twoBeatsAt: number | undefined
    const checks = await holdsUntil(
      async () => expect(await pageKnows(b.page, hermit!.id)).toEqual({ dom: false, stores: [] }),
      async () => {
        if (twoBeatsAt === undefined && (await heartbeats(a.page)) >= beatsBefore + 2) twoBeatsAt = Date.now()
        return twoBeatsAt !== undefined && Date.now() - twoBeatsAt > CROSSING_MS
      },
      "two heartbeats of tab A's repo",
    )
    expect(checks).toBeGreaterThan(50)
    expect((await pageKnows(a.page, hermit!.id)).dom).toBe(true)
    // The ghosts kept moving all along in B.
    await waitForMovingCursors(b.page, ghostIds, "tab B after the window")

    // At 1280 px the table fits: every row's buttons are whole and inside the list, none scrolled off.
    await panel.setViewportSize({ width: 1280, height: 800 })
    const clipped = await panel.evaluate(() => {
      const list = document.querySelector(".peer-list")!.getBoundingClientRect()
      return [...document.querySelectorAll('[data-testid="sim-remove"]')].filter(button => {
        const box = button.getBoundingClientRect()
        return box.width === 0 || box.right > list.right || box.right > innerWidth
      }).length
    })
    expect(await panel.evaluate(() => innerWidth)).toBe(1280)
    expect(await count(panel, testId("sim-remove"))).toBe(4)
    expect(clipped).toBe(0)
    await domClick(panel, '[data-testid="sim-remove-all"]')
    await waitFor(async () => (await simRows(panel)).length === 0, "the panel's list to empty")
    for (const [tab, page] of [
      ["A", a.page],
      ["B", b.page],
    ] as const) {
      await waitFor(async () => {
        const known = await Promise.all([...ghostIds, hermit!.id].map(id => pageKnows(page, id)))
        return known.every(seen => !seen.dom && seen.stores.length === 0)
      }, `tab ${tab} to forget every simulated peer`)
    }
    expect((await remoteCursors(b.page)).map(cursor => cursor.name)).toEqual(["alice"])
    await panel.close()
    await a.page.close()
    await b.page.close()
  })

  it("marks simulated peers in the live view, and cleans up when the app unregisters its repo", async () => {
    const { a, b, panel } = await twoTabs("sim-marks")
    const [marked] = await addPeers(panel, { name: "marked", count: 1, visibility: "network" })
    await waitForMovingCursors(b.page, [marked!.id], "tab B")
    await domClick(panel, '[data-testid="tab-live"]')
    const simulatedAttr = (selector: string) => attribute(panel, selector, "data-simulated")
    await waitFor(
      async () => (await simulatedAttr(`[data-testid="member-row"][data-peer-id="${marked!.id}"]`)) === "true",
      "the member row marked as simulated",
    )
    const [realPeer] = await demoReady(b.page)
    expect(await simulatedAttr(`[data-testid="member-row"][data-peer-id="${realPeer}"]`)).toBe("false")
    expect(await simulatedAttr(`[data-testid="ephemeral-entry"][data-namespace="cursor"][data-key="${marked!.id}"]`)).toBe("true")
    expect(await simulatedAttr(`[data-testid="ephemeral-entry"][data-namespace="cursor"][data-key="${realPeer}"]`)).toBe("false")

    // register() hands back the same unregister for a repo already registered.
    await domClick(panel, '[data-testid="tab-simulate"]')
    await a.page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.register((window as any).demo.peers[0].repo)())
    await waitFor(async () => !(await pageKnows(b.page, marked!.id)).dom, "tab B to lose the peer of the unregistered repo")
    const notice = await waitFor(
      () => panel.evaluate(() => document.querySelector('[data-testid="sim-notice"][data-reason="gone"]')?.textContent),
      "the panel to say the repo is gone",
    )
    expect(notice).toMatch(/alice is gone \(unregistered\)/)
    expect(await panel.evaluate(() => (document.querySelector('[data-testid="sim-add"]') as HTMLButtonElement).disabled)).toBe(true)
    await panel.close()
    await a.page.close()
    await b.page.close()
  })

  it("removes the peers when the panel closes with keep-on-close off, and when the page reloads with it on", async () => {
    const { a, b, panel } = await twoTabs("sim-close")
    const [leaving] = await addPeers(panel, { name: "leaving", count: 1, visibility: "network" })
    await waitForMovingCursors(b.page, [leaving!.id], "tab B")
    await panel.close()
    await waitFor(async () => !(await pageKnows(b.page, leaving!.id)).dom, "tab B to lose the peer once the panel is closed")

    const reopened = await browser.openPanel(a.tabId)
    await openSimulate(reopened)
    await domClick(reopened, '[data-testid="sim-keep-on-close"]')
    await waitFor(
      () => reopened.evaluate(() => (document.querySelector('[data-testid="sim-keep-on-close"]') as HTMLInputElement).checked),
      "keep-on-close on",
    )
    const [staying] = await addPeers(reopened, { name: "staying", count: 1, visibility: "network" })
    await waitForMovingCursors(b.page, [staying!.id], "tab B")
    expect(await hookListening(a.page)).toBe(true)
    await reopened.close()
    // The relay waits 3 s before telling the hook nobody listens; the peer
    // must outlive that: tab B is watched until then, and a moment longer.
    let unsubscribedAt: number | undefined
    await holdsUntil(
      async () => expect((await pageKnows(b.page, staying!.id)).dom).toBe(true),
      async () => {
        if (unsubscribedAt === undefined && !(await hookListening(a.page))) unsubscribedAt = Date.now()
        return unsubscribedAt !== undefined && Date.now() - unsubscribedAt > CROSSING_MS
      },
      "the hook in tab A to be told nobody listens",
    )
    // A reload removes it everywhere (pagehide), and the panel says so.
    const watching = await browser.openPanel(a.tabId)
    await openSimulate(watching)
    await waitFor(async () => (await simRows(watching)).some(row => row.id === staying!.id), "the reopened panel to list the kept peer")
    await a.page.reload()
    await waitFor(async () => !(await pageKnows(b.page, staying!.id)).dom, "tab B to lose the peer when tab A reloads")
    expect((await pageKnows(b.page, staying!.id)).stores).toEqual([])
    await waitFor(() => watching.evaluate(() => document.querySelector('[data-testid="sim-notice"]')?.textContent), "the reload notice")
    await watching.close()
    await a.page.close()
    await b.page.close()
  })
})
