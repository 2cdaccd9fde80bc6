/**
 * The failures 5.4.2 users hit, provoked in the demo with three tabs and a
 * hub, each explained in the panel's own words. Each test starts its own hub
 * (the global one serves other tests) so it can hold the hub's frames or
 * kill it.
 */
import { afterEach, describe, expect, it } from "vitest"
import { startHub, type Hub } from "../../demo/server/hub"
import { demoReady } from "./support/demo-page"
import { count, testId, text } from "./support/dom"
import { heartbeatKeys, memberLiveness, panelText, shownFindings, showTab, waitForFinding } from "./support/findings-panel"
import { DEMO_DIST } from "./support/paths"
import { browserSession } from "./support/scenario"
import { BROWSERS, type SessionPage } from "./support/session"
import { waitFor } from "./support/wait"

interface Tab {
  name: string
  page: SessionPage
  tabId: number
  peerId: string
}

describe.each(BROWSERS)("diagnostics in %s", name => {
  const browser = browserSession(name)
  let hub: Hub | undefined
  const opened: SessionPage[] = []

  afterEach(async () => {
    for (const page of opened.splice(0)) await page.close().catch(() => {})
    await hub?.close().catch(() => {})
    hub = undefined
  })

  async function ownHub(): Promise<Hub> {
    hub = await startHub({ port: 0, staticDir: DEMO_DIST, warn: () => {} })
    return hub
  }

  async function tab(room: string, peer: string): Promise<Tab> {
    const { page, tabId } = await browser.openTab(`${hub!.url}/?room=${room}&name=${peer}`)
    opened.push(page)
    const [peerId] = await demoReady(page)
    return { name: peer, page, tabId, peerId: peerId! }
  }

  async function panelFor(target: Tab): Promise<SessionPage> {
    const panel = await browser.openPanel(target.tabId)
    opened.push(panel)
    await waitFor(async () => (await count(panel, testId("repo-item"))) === 1, `${target.name}'s panel to list its repo`)
    return panel
  }

  /** Everyone sees everyone's presence. */
  async function allSeeEachOther(tabs: Tab[]): Promise<void> {
    for (const { page } of tabs) {
      await waitFor(
        () =>
          page.evaluate(
            (ids: string[]) => ids.every(id => (window as any).demo.peers[0].getStates("presence")[id] !== undefined),
            tabs.map(t => t.peerId),
          ),
        "everyone to see everyone",
      )
    }
  }

  it("explains a same-millisecond burst: at risk on the writer, lost at a receiver", async () => {
    await ownHub()
    const [alice, bob, carol] = [await tab("burst", "alice"), await tab("burst", "bob"), await tab("burst", "carol")] as [Tab, Tab, Tab]
    await allSeeEachOther([alice, bob, carol])
    const alicePanel = await panelFor(alice)
    const bobPanel = await panelFor(bob)
    expect(await shownFindings(bobPanel)).toEqual([])

    // burstCursor answers undefined when the clock ticked between the writes (a loaded machine): try again.
    const burstMs = await alice.page.evaluate(() => {
      for (let tries = 0; tries < 100; tries++) {
        const ms = (window as any).demo.peers[0].burstCursor([
          { x: 10, y: 10 },
          { x: 20, y: 20 },
        ])
        if (ms !== undefined) return ms as number
      }
      return undefined
    })
    expect(burstMs).toBeTypeOf("number")
    // The failure itself: alice holds the second write, bob the first.
    await waitFor(
      () => bob.page.evaluate((id: string) => (window as any).demo.peers[0].getStates("cursor")[id]?.x === 10, alice.peerId),
      "bob to hold alice's first write",
    )
    expect(await alice.page.evaluate((id: string) => (window as any).demo.peers[0].getStates("cursor")[id], alice.peerId)).toEqual({
      x: 20,
      y: 20,
    })

    expect(await waitForFinding(bobPanel, "lost-update", "the lost update in bob's panel")).toEqual({
      kind: "lost-update",
      severity: "error",
      text: "alice's cursor update was lost: two writes in one millisecond, receivers kept the first",
    })
    expect((await waitForFinding(alicePanel, "update-at-risk", "the risk in alice's panel")).text).toBe(
      "alice's cursor update is at risk: two writes in one millisecond; receivers keep the first",
    )
  })

  it("names the hub when its re-stamp overwrites alice's own cursor", async () => {
    const own = await ownHub()
    const [alice, bob, carol] = [await tab("restamp", "alice"), await tab("restamp", "bob"), await tab("restamp", "carol")] as [
      Tab,
      Tab,
      Tab,
    ]
    await allSeeEachOther([alice, bob, carol])
    const panel = await panelFor(alice)
    const aliceCursor = () => alice.page.evaluate((id: string) => (window as any).demo.peers[0].getStates("cursor")[id], alice.peerId)
    const hubCursor = () => own.repo.synchronizer.docNamespacedStores.get("room:restamp")?.get("cursor")?.getAllStates()[alice.peerId]
    await alice.page.evaluate(() => (window as any).demo.peers[0].setCursor(1, 1))
    await waitFor(() => (hubCursor() as { x?: number } | undefined)?.x === 1, "the hub to hold alice's cursor")

    // Alice's next write is still on its way when the hub's heartbeat re-stamps its copy (within 10 s).
    const hold = own.holdInbound()
    await alice.page.evaluate(() => (window as any).demo.peers[0].setCursor(2, 2))
    await waitFor(async () => (await aliceCursor())?.x === 1, "the hub's re-stamped copy to overwrite alice's cursor", 15_000)
    hold.release()

    expect(await waitForFinding(panel, "own-key-overwritten", "the overwrite in alice's panel")).toEqual({
      kind: "own-key-overwritten",
      severity: "error",
      text: "alice's own cursor was overwritten by an import: hub's re-stamped copy replaced a newer value",
    })
    // Her own entry is not credited to "this repo".
    await showTab(panel, "live")
    const credit = await waitFor(
      () => text(panel, testId("ephemeral-entry", `[data-namespace="cursor"][data-key="${alice.peerId}"] [data-testid="entry-credit"]`)),
      "alice's cursor entry's credit",
    )
    expect(credit).toMatch(/^re-stamped by /)
  })

  it("reads the peers behind a dead hub as having no live path, and nothing as a ghost before", async () => {
    const own = await ownHub()
    const [alice, bob, carol] = [await tab("ghosts", "alice"), await tab("ghosts", "bob"), await tab("ghosts", "carol")] as [Tab, Tab, Tab]
    await allSeeEachOther([alice, bob, carol])
    const panel = await panelFor(alice)
    // A heartbeat has gone by and everyone is heard.
    await waitFor(async () => (await heartbeatKeys(panel)).length > 0, "a heartbeat round in alice's panel", 15_000)
    for (const peer of [bob, carol])
      expect(await memberLiveness(panel, peer.peerId)).toEqual({ present: true, livePath: true, status: "present" })
    expect(await panelText(panel)).not.toContain("no live path")
    expect((await shownFindings(panel)).filter(finding => finding.kind === "no-live-path")).toEqual([])

    const died = Date.now()
    await own.close()
    hub = undefined
    for (const peer of [bob, carol]) {
      await waitFor(async () => (await memberLiveness(panel, peer.peerId))?.livePath === false, `${peer.name} to have no live path`, 20_000)
      expect((await memberLiveness(panel, peer.peerId))!.status).toMatch(/^no live path since \d\d:\d\d:\d\d\.\d{3}$/)
    }
    expect(Date.now() - died).toBeLessThan(20_000)
    // 5.4.2 keeps them: their presence is still in alice's store.
    expect(
      await alice.page.evaluate(
        (ids: string[]) => ids.map(id => (window as any).demo.peers[0].getStates("presence")[id]?.name),
        [bob.peerId, carol.peerId],
      ),
    ).toEqual(["bob", "carol"])
    const ghosts = (await shownFindings(panel))
      .filter(finding => finding.kind === "no-live-path")
      .map(finding => finding.text.replace(/\d\d:\d\d:\d\d\.\d{3}/, "<time>"))
    expect(ghosts.sort()).toEqual([
      "bob has no live path since <time>, but its presence is still held",
      "carol has no live path since <time>, but its presence is still held",
    ])
    // The Sync view does not call the gone hub synced.
    await showTab(panel, "sync")
    const hubStatus = await waitFor(
      () => text(panel, testId("sync-row", '[data-self="false"][data-connected="false"] [data-testid="sync-status"]')),
      "the gone hub's row in the Sync view",
    )
    expect(hubStatus?.trim()).toBe("disconnected (was synced)")
  })

  it("shows heartbeat amplification as the room grows from one tab to three", async () => {
    await ownHub()
    const alice = await tab("storm", "alice")
    const panel = await panelFor(alice)
    // Alice alone: presence and typing, one key each, and the hub's own presence in the room.
    await waitFor(async () => (await heartbeatKeys(panel))[0] === 3, "a heartbeat with alice alone", 15_000)
    const bob = await tab("storm", "bob")
    await allSeeEachOther([alice, bob])
    await waitFor(async () => (await heartbeatKeys(panel))[0] === 5, "a heartbeat with alice and bob", 15_000)
    const carol = await tab("storm", "carol")
    await allSeeEachOther([alice, bob, carol])
    await waitFor(async () => (await heartbeatKeys(panel))[0] === 7, "a heartbeat with all three", 15_000)
    const finding = await waitForFinding(panel, "amplification", "the amplification finding")
    expect(finding.severity).toBe("warning")
    expect(finding.text).toMatch(
      /^alice's heartbeat sent \d+ entries in \d+ messages for 7 keys on 1 channel: \d+\.\d× what one copy of each key needs$/,
    )
  })

  it("says whose clock runs ahead", async () => {
    await ownHub()
    const [alice, bob, carol] = [await tab("skew", "alice"), await tab("skew", "bob"), await tab("skew", "carol")] as [Tab, Tab, Tab]
    await allSeeEachOther([alice, bob, carol])
    const panel = await panelFor(alice)
    // Bob's machine clock runs a minute ahead from now on: his writes are stamped with it.
    await bob.page.evaluate(() => {
      const real = Date.now.bind(Date)
      Date.now = () => real() + 60_000
      ;(window as any).demo.peers[0].setCursor(5, 5)
    })
    expect((await waitForFinding(panel, "clock-skew", "the skew finding")).text).toMatch(
      /^bob's clock runs about (59|60|61) s ahead of this page's$/,
    )
  })
})
