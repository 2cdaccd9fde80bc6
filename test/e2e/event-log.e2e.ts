/**
 * The event log against the demo app: a page with two peers (ada, and ada-2
 * moving its cursor on its own) behind the demo hub. A scripted cursor write
 * and note must show up as the right messages, commands and decoded entries,
 * attributed to the right peers and repos, checked by loro-crdt's WASM in the
 * extension page; filters, search, pause, clear and the buffer size must
 * behave.
 */
import { beforeAll, describe, expect, inject, it } from "vitest"
import { demoReady, waitForRepos } from "./support/demo-page"
import { attribute, count, datasets, fill, isVisible, testId, text } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS, type SessionPage } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

interface Peers {
  ada: { peerId: string; repoId: string }
  ada2: { peerId: string; repoId: string }
}

const ROW = testId("log-row")

/** The rendered rows' data attributes (the list renders only what is in view). */
const rowData = (panel: SessionPage) => datasets(panel, ROW)

const search = (panel: SessionPage, query: string) => fill(panel, testId("log-search"), query)

/** Shows only one kind of event (shift-click on its filter). */
const soloKind = (panel: SessionPage, kind: string) => panel.click(testId("log-filter-kind", `[data-kind="${kind}"]`), { shift: true })

const shown = async (panel: SessionPage) => Number(await attribute(panel, testId("log-count"), "data-shown"))

/** Opens the detail of the first row in view and returns its decoded entries. */
async function firstRowEntries(panel: SessionPage): Promise<Array<Record<string, string | undefined>>> {
  await panel.click(ROW)
  await waitFor(() => isVisible(panel, testId("log-detail")), "the detail")
  return datasets(panel, testId("decoded-entry"))
}

describe.each(BROWSERS)("event log in %s", name => {
  const browser = browserSession(name)
  let page: SessionPage
  let panel: SessionPage
  let peers: Peers

  beforeAll(async () => {
    const tab = await browser.openTab(`${demoUrl}/?room=event-log&name=ada&peers=2`)
    page = tab.page
    const [ada, ada2] = await demoReady(page)
    panel = await browser.openPanel(tab.tabId)
    const state = await waitForRepos(panel, 2, "both repos in the panel")
    const repoOf = (label: string) => state.repos.find(repo => repo.label === label)!.repoId
    peers = { ada: { peerId: ada!, repoId: repoOf("ada") }, ada2: { peerId: ada2!, repoId: repoOf("ada-2") } }
    await panel.click(testId("tab-log"))
  })
  it("logs a cursor write as the messages, commands and decoded entries of both repos", async () => {
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(4242, 9191))
    await search(panel, '"x":4242')
    // ada-2 received it from the hub and applied it: wait for that store import.
    await waitFor(
      async () => (await rowData(panel)).some(row => row.repoId === peers.ada2.repoId && row.kind === "store" && row.type === "import"),
      "ada-2 to import the write",
      20_000,
    )
    await panel.click(testId("log-pause"))

    // ada: the frame it sent, carrying its own entry.
    await fill(panel, testId("log-filter-repo"), peers.ada.repoId)
    await soloKind(panel, "channel-out")
    const sent = await rowData(panel)
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.every(row => row.kind === "channel-out" && row.repoId === peers.ada.repoId && row.type === "channel/ephemeral")).toBe(true)
    const sentEntries = await firstRowEntries(panel)
    const own = sentEntries.find(entry => entry.key === peers.ada.peerId)!
    expect(own).toMatchObject({ peer: peers.ada.peerId, deleted: "false", namespace: "cursor" })
    expect(own.text).toContain("4242")
    await waitFor(async () => (await attribute(panel, testId("loro-check"), "data-status")) === "match", "loro-crdt to agree", 30_000)

    // ada-2: the frame the hub relayed, attributed to ada by its key, not to the hub that sent it.
    await fill(panel, testId("log-filter-repo"), peers.ada2.repoId)
    await soloKind(panel, "channel-in")
    const received = await rowData(panel)
    expect(received.length).toBeGreaterThan(0)
    expect(received.every(row => row.kind === "channel-in" && row.repoId === peers.ada2.repoId && row.direction === "in")).toBe(true)
    expect(await text(panel, ROW)).toContain("hub")
    const relayed = (await firstRowEntries(panel)).find(entry => entry.key === peers.ada.peerId)!
    expect(relayed).toMatchObject({ peer: peers.ada.peerId })
    expect(relayed.text).toContain("4242")

    // The frame's detail links to the message that handled it: message in, cmd/apply-ephemeral out.
    await panel.click(testId("log-related"))
    await waitFor(async () => (await attribute(panel, testId("log-detail"), "data-kind")) === "sync-message", "the handling message")
    expect(await count(panel, testId("log-detail-command", '[data-command-type="cmd/apply-ephemeral"]'))).toBe(1)
    expect(await count(panel, testId("decoded-entry", `[data-key="${peers.ada.peerId}"]`))).toBe(1)

    // In the list, such messages carry their commands nested under them.
    await search(panel, "channel-receive-message")
    await soloKind(panel, "sync-message")
    const handled = await rowData(panel)
    expect(handled.length).toBeGreaterThan(0)
    expect(handled.every(row => row.type === "synchronizer/channel-receive-message" && row.repoId === peers.ada2.repoId)).toBe(true)
    expect(await count(panel, testId("log-command-row", '[data-command-type="cmd/apply-ephemeral"]'))).toBeGreaterThan(0)
    await panel.click(testId("log-pause"))
  })

  it("filters by peer through decoded keys, by direction, and counts what it shows", async () => {
    // Paused, so that the counts hold still while the filters change.
    await panel.click(testId("log-pause"))
    await panel.click(testId("log-filter-reset"))
    await fill(panel, testId("log-filter-repo"), peers.ada2.repoId)
    await fill(panel, testId("log-filter-peer"), peers.ada.peerId)
    await soloKind(panel, "channel-in")
    const viaHub = await rowData(panel)
    expect(viaHub.length).toBeGreaterThan(0)
    expect(viaHub.every(row => row.kind === "channel-in")).toBe(true)
    await panel.click(testId("log-filter-reset"))
    await fill(panel, testId("log-filter-direction"), "out")
    expect((await rowData(panel)).every(row => row.direction === "out" && row.kind === "channel-out")).toBe(true)
    const held = Number(await attribute(panel, testId("log-count"), "data-held"))
    expect(await shown(panel)).toBeLessThan(held)
    await panel.click(testId("log-filter-reset"))
    expect(await shown(panel)).toBe(held)
    await panel.click(testId("log-pause"))
  })

  it("records nothing while paused, and again once resumed", async () => {
    await panel.click(testId("log-pause"))
    expect(await attribute(panel, testId("log-pause"), "aria-pressed")).toBe("true")
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(5151, 6161))
    await waitFor(
      () => page.evaluate(id => (window as any).demo.peers[1].getStates("cursor")[id]?.x === 5151, peers.ada.peerId),
      "ada-2 to see the paused write",
    )
    await search(panel, '"x":5151')
    expect(await shown(panel)).toBe(0)
    expect(Number(await attribute(panel, testId("log-not-recorded"), "data-count"))).toBeGreaterThan(0)
    await panel.click(testId("log-pause"))
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(5252, 6262))
    await search(panel, '"x":5252')
    await waitFor(async () => (await shown(panel)) > 0, "the write after resuming")
  })

  it("shows who a note went to, and why", async () => {
    await page.evaluate(() => (window as any).demo.addNote("a note from the e2e test"))
    await search(panel, "local-doc-change")
    await fill(panel, testId("log-filter-repo"), peers.ada.repoId)
    await waitFor(async () => (await shown(panel)) > 0, "the local change")
    // The row itself says who got what; the detail says why.
    expect(await text(panel, ROW)).toContain("update: hub")
    await panel.click(ROW)
    const row = testId("propagation-row")
    await waitFor(() => isVisible(panel, row), "the propagation table")
    expect(await attribute(panel, row, "data-outcome")).toBe("update")
    expect(await text(panel, row)).toContain("subscribed")
    expect(await count(panel, testId("log-detail-command", '[data-command-type="cmd/send-message"]'))).toBe(1)
  })

  it("clears, and evicts past the buffer size the user sets", async () => {
    await panel.click(testId("log-filter-reset"))
    await panel.click(testId("log-clear"))
    await search(panel, '"x":4242')
    expect(await shown(panel)).toBe(0)
    await search(panel, "")
    await fill(panel, testId("log-buffer-size"), "50")
    // ada-2's autopilot keeps the traffic going.
    await waitFor(async () => Number(await attribute(panel, testId("log-evicted"), "data-count")) > 0, "evictions", 20_000)
    expect(Number(await attribute(panel, testId("log-count"), "data-held"))).toBe(50)
  })

  it("inspects sync state: the room against the hub, and the hub channel", async () => {
    await panel.click(testId("tab-sync"))
    await panel.click(testId("sync-repo", `[data-repo-id="${peers.ada.repoId}"]`))
    const hubRow = testId("sync-row", '[data-doc-id="room:event-log"][data-self="false"]')
    await waitFor(async () => (await attribute(panel, hubRow, "data-status")) === "synced", "the room synced with the hub")
    expect(await attribute(panel, hubRow, "data-subscribed")).toBe("true")
    const channel = testId("sync-channel")
    expect(await attribute(panel, channel, "data-established")).toBe("true")
    expect(await attribute(panel, channel, "data-kind")).toBe("network")
  })
})
