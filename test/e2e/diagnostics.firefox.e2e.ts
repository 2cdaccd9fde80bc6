/**
 * Ghosts in Firefox ESR: three tabs behind the demo's hub; when the hub dies,
 * the peers reached through it read as having no live path in alice's
 * panel within 20 s, and nothing read as a ghost before.
 */
import { afterAll, describe, expect, it } from "vitest"
import { startHub, type Hub } from "../../demo/server/hub"
import { demoReady } from "./support/demo-page"
import { heartbeatKeys, memberLiveness, panelText, shownFindings } from "./support/findings-panel"
import { DEMO_DIST } from "./support/paths"
import { browserSession } from "./support/scenario"
import type { SessionPage } from "./support/session"
import { waitFor } from "./support/wait"

describe("diagnostics in Firefox ESR", () => {
  const firefox = browserSession("firefox")
  let hub: Hub | undefined
  afterAll(async () => {
    await hub?.close().catch(() => {})
  })

  it("reads the peers behind a dead hub as having no live path, and nothing as a ghost before", async () => {
    hub = await startHub({ port: 0, staticDir: DEMO_DIST, warn: () => {} })
    const tabs: Array<{ page: SessionPage; tabId: number; peerId: string }> = []
    for (const name of ["alice", "bob", "carol"]) {
      const { page, tabId } = await firefox.openTab(`${hub.url}/?room=ghosts-ff&name=${name}`)
      const [peerId] = await demoReady(page)
      tabs.push({ page, tabId, peerId: peerId! })
    }
    const [alice, bob, carol] = tabs as [(typeof tabs)[0], (typeof tabs)[0], (typeof tabs)[0]]
    await waitFor(
      () =>
        alice.page.evaluate(
          (ids: string[]) => ids.every(id => (window as any).demo.peers[0].getStates("presence")[id] !== undefined),
          [bob.peerId, carol.peerId],
        ),
      "alice to see bob and carol",
    )
    const panel = await firefox.openPanel(alice.tabId)
    await waitFor(async () => (await heartbeatKeys(panel)).length > 0, "a heartbeat round in alice's panel", 15_000)
    for (const peer of [bob, carol]) {
      await waitFor(async () => (await memberLiveness(panel, peer.peerId))?.present === true, "the member rows")
      expect(await memberLiveness(panel, peer.peerId)).toEqual({ present: true, livePath: true, status: "present" })
    }
    expect(await panelText(panel)).not.toContain("no live path")

    const died = Date.now()
    await hub.close()
    hub = undefined
    for (const peer of [bob, carol]) {
      await waitFor(async () => (await memberLiveness(panel, peer.peerId))?.livePath === false, "no live path", 20_000)
      expect((await memberLiveness(panel, peer.peerId))!.status).toMatch(/^no live path since \d\d:\d\d:\d\d\.\d{3}$/)
    }
    expect(Date.now() - died).toBeLessThan(20_000)
    const ghosts = (await shownFindings(panel)).filter(finding => finding.kind === "no-live-path")
    expect(ghosts.map(finding => finding.text.replace(/\d\d:\d\d:\d\d\.\d{3}/, "<time>")).sort()).toEqual([
      "bob has no live path since <time>, but its presence is still held",
      "carol has no live path since <time>, but its presence is still held",
    ])
    await panel.close()
    for (const { page } of tabs) await page.close()
  })
})
