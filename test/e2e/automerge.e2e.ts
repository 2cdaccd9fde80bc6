/**
 * The automerge-repo demo in both browsers: pages on the registry's
 * WebSocketClientAdapter, behind automerge-repo's own NodeWSServerAdapter,
 * with Presence carrying user, cursor and typing. The panel must equal what
 * each page's Presence reports, decode the ephemeral messages' CBOR, bring
 * simulated peers into the app, and record and replay a session.
 */
import { describe, expect, inject, it } from "vitest"
import { automergeDocId, presenceStorm, waitForPresenceTruth } from "./support/automerge-demo"
import { automergeRecordAndReplay } from "./support/automerge-recording"
import { simulatedPeersRoundTrip } from "./support/automerge-simulate"
import { demoReady, panelState, peerNames, waitForRepos } from "./support/demo-page"
import { datasets, fill, isVisible, testId } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("automergeDemoUrl")

describe.each(BROWSERS)("automerge-repo demo in %s", name => {
  const browser = browserSession(name)

  it("shows exactly what each page's Presence holds after a storm from two tabs", async () => {
    const room = `am-fidelity-${name}`
    const tabs = [
      await browser.openTab(`${demoUrl}/?room=${room}&name=alma`),
      await browser.openTab(`${demoUrl}/?room=${room}&name=multi&peers=3&autopilot=0`),
    ]
    const labels = await Promise.all(tabs.map(({ page }) => peerNames(page)))
    const docId = await automergeDocId(tabs[0]!.page)
    const panels = await Promise.all(tabs.map(({ tabId }) => browser.openPanel(tabId)))
    for (const [i, panel] of panels.entries()) await waitForRepos(panel, labels[i]!.length, `panel ${i} to list its repos`)
    const sent = await Promise.all(tabs.map(({ page }) => presenceStorm(page, 300)))
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1_200)
    for (const [i, { page }] of tabs.entries()) await waitForPresenceTruth(page, panels[i]!, labels[i]!, docId, 4)
    expect((await panelState(panels[0]!)).lost).toBe(0)
    for (const { page } of tabs) await page.close()
    for (const panel of panels) await panel.close()
  })

  it("decodes an ephemeral message's CBOR in the Log: a Presence update, its sender, session and count", async () => {
    const room = `am-log-${name}`
    const watcher = await browser.openTab(`${demoUrl}/?room=${room}&name=wren`)
    const writer = await browser.openTab(`${demoUrl}/?room=${room}&name=otto&autopilot=0`)
    await demoReady(watcher.page)
    const [ottoId] = await demoReady(writer.page)
    const docId = await automergeDocId(watcher.page)
    const panel = await browser.openPanel(watcher.tabId)
    await waitForRepos(panel, 1, "wren's repo")
    await panel.click(testId("tab-log"))
    // Inbound messages only: what wren received from the server.
    await panel.click(testId("log-filter-kind", '[data-kind="channel-in"]'), { shift: true })
    await fill(panel, testId("log-search"), "4242")
    await writer.page.evaluate(() => (window as any).demo.peers[0].setCursor(4242, 9191))
    await waitFor(() => isVisible(panel, testId("log-row")), "otto's update arriving at wren", 20_000)
    await panel.click(testId("log-row"))
    const decoded = await waitFor(async () => {
      const [payload] = await datasets(panel, testId("decoded-payload"))
      const [entry] = await datasets(panel, testId("decoded-entry", '[data-key="cursor"]'))
      return payload && entry ? { payload, entry } : undefined
    }, "the decoded payload")
    expect(decoded.payload).toMatchObject({ kind: "presence update", sender: ottoId, docId })
    expect(decoded.payload.session).not.toBe("")
    expect(Number(decoded.payload.count)).toBeGreaterThan(0)
    expect(decoded.entry).toMatchObject({ peer: ottoId, deleted: "false" })
    expect(decoded.entry.text).toMatch(/4242[\s\S]*9191/)
    await panel.close()
    await writer.page.close()
    await watcher.page.close()
  })

  it("brings simulated peers into the app through Presence's protocol: network-wide ones to the other tab, a local one kept in its own", async () => {
    const room = `am-sim-${name}`
    const a = await browser.openTab(`${demoUrl}/?room=${room}&name=ann`)
    const b = await browser.openTab(`${demoUrl}/?room=${room}&name=ben`)
    await Promise.all([demoReady(a.page), demoReady(b.page)])
    const panel = await browser.openPanel(a.tabId)
    await simulatedPeersRoundTrip(a.page, b.page, panel, 3_000)
    await panel.close()
    await a.page.close()
    await b.page.close()
  })

  it("records a session that round-trips through a file and replays into another room", async () => {
    await automergeRecordAndReplay(browser, demoUrl, `am-rec-${name}`)
  })
})
