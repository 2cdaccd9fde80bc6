/**
 * The Live view against the demo app: the panel's maps equal the page's own
 * stores after a storm, a closed tab's peer shows as gone, repos are found
 * without registration or attached by expression, and a page without any
 * repo says how to add one.
 */
import { describe, expect, inject, it } from "vitest"
import { demoReady, panelState, peerNames, waitForRepos } from "./support/demo-page"
import { attribute, count, fill, testId, text } from "./support/dom"
import { describeDifference, pageMaps, panelMaps } from "./support/fidelity"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")
const NAMESPACES = ["presence", "cursor", "typing"]

describe.each(BROWSERS)("live view in %s", name => {
  const browser = browserSession(name)

  it("tells the truth after a storm of 2,000 presence updates from three tabs", async () => {
    const room = "fidelity"
    const docId = `room:${room}`
    const tabs = [
      await browser.openTab(`${demoUrl}/?room=${room}&name=alice`),
      await browser.openTab(`${demoUrl}/?room=${room}&name=bob`),
      await browser.openTab(`${demoUrl}/?room=${room}&name=multi&peers=3&autopilot=0`),
    ]
    const labels = await Promise.all(tabs.map(({ page }) => peerNames(page)))
    const panels = await Promise.all(tabs.map(({ tabId }) => browser.openPanel(tabId)))
    for (const [i, panel] of panels.entries()) await waitForRepos(panel, labels[i]!.length, `panel ${i} to list its repos`)

    // Every peer of every tab writes cursor and typing as fast as it can.
    const perTab = await Promise.all(
      tabs.map(({ page }) =>
        page.evaluate(async () => {
          const peers = (window as any).demo.peers
          let sent = 0
          for (let i = 0; i < 700 / peers.length; i++) {
            for (const [n, peer] of peers.entries()) {
              peer.setCursor(i, n * 1000 + i)
              if (i % 10 === 0) peer.setTyping(i % 20 === 0)
              sent++
            }
            if (i % 20 === 0) await new Promise(resolve => setTimeout(resolve, 0))
          }
          return sent
        }),
      ),
    )
    expect(perTab.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2_000)

    for (const [i, { page }] of tabs.entries()) {
      let last = ""
      await waitFor(
        async () => {
          const expected = await pageMaps(page, NAMESPACES)
          const actual = await panelMaps(panels[i]!, labels[i]!, NAMESPACES, docId)
          last = describeDifference(expected, actual)
          // Settled means every peer sees all five of them, and the panel agrees.
          const settled = Object.values(expected).every(maps => Object.keys(maps.cursor ?? {}).length === 5)
          return settled && last === ""
        },
        `panel ${i} to equal its page`,
        30_000,
      ).catch(error => {
        throw new Error(`${error.message}\n${last}`)
      })
    }
    for (const panel of panels) expect((await panelState(panel)).lost).toBe(0)
    for (const { page } of tabs) await page.close()
    for (const panel of panels) await panel.close()
  })

  it("shows a peer as gone when its tab closes", async () => {
    const room = "leaving"
    const stay = await browser.openTab(`${demoUrl}/?room=${room}&name=stays`)
    const leave = await browser.openTab(`${demoUrl}/?room=${room}&name=leaves`)
    await demoReady(stay.page)
    const [leavingPeer] = await demoReady(leave.page)
    const panel = await browser.openPanel(stay.tabId)
    await panel.click(testId("repo-item", '[data-label="stays"]'))
    await panel.click(testId("room-item", `[data-doc-id="room:${room}"]`))
    const row = testId("member-row", `[data-peer-id="${leavingPeer}"]`)
    await waitFor(async () => (await attribute(panel, row, "data-present")) === "true", "the other peer present")
    await leave.page.close()
    // The hub removes a peer's presence as soon as its last channel closes;
    // one heartbeat interval (10 s) is the most the repo itself would take.
    await waitFor(async () => (await attribute(panel, row, "data-present")) === "false", "the peer shown as gone", 10_000)
    await panel.close()
    await stay.page.close()
  })

  it("finds an unregistered repo on window and attaches one by expression", async () => {
    const { page, tabId } = await browser.openTab(`${demoUrl}/?room=discover&name=gus&peers=2&register=0`)
    await demoReady(page)
    const panel = await browser.openPanel(tabId)
    await waitFor(() => count(panel, testId("repo-item")), "the discovered repo")
    expect(await count(panel, testId("repo-item"))).toBe(1)
    await fill(panel, testId("attach-input"), "demo.peers.1.repo")
    await panel.click(testId("attach-button"))
    await waitFor(async () => (await count(panel, testId("repo-item"))) === 2, "the attached repo")
    expect((await panelState(panel)).repos.some(repo => repo.label.endsWith("demo.peers.1.repo"))).toBe(true)
    await fill(panel, testId("attach-input"), "demo.nothing.here")
    await panel.click(testId("attach-button"))
    await waitFor(async () => (await text(panel, testId("attach-error")))?.includes("nothing"), "a clear attach error")
    await panel.close()
    await page.close()
  })

  it("says so when the page has no repo, with the snippet to add", async () => {
    const { page, tabId } = await browser.openTab(`${fixtureUrl}/first-script.html`)
    const panel = await browser.openPanel(tabId)
    await waitFor(
      async () => (await text(panel, testId("empty-state")))?.includes("__EPHEMERA_DEVTOOLS_HOOK__?.register(repo"),
      "the empty state",
    )
    await panel.close()
    await page.close()
  })
})
