/**
 * Simulated peers on the automerge demo, the same in both browsers: peers
 * added in the panel of tab A appear in A's app (members and moving cursors,
 * from A's Presence); a network-wide one reaches tab B through the sync
 * server (on its own connection to it), a local-only one never does; and
 * "Remove all" makes both tabs forget them (their goodbyes).
 */
import { expect } from "vitest"
import { PRESENCE_CHANNELS } from "./automerge-demo"
import { panelState } from "./demo-page"
import { domClick, testId } from "./dom"
import type { Evaluator } from "./session"
import { addPeers, openSimulate, pageKnows, simRows, waitForMovingCursors } from "./simulate-panel"
import { waitFor } from "./wait"

export async function simulatedPeersRoundTrip(a: Evaluator, b: Evaluator, panel: Evaluator, localOnlyWindowMs: number): Promise<void> {
  // Cursors with a point, so the form offers a random walk for the channel.
  await a.evaluate(() => (window as any).demo.peers[0].setCursor(150, 120))
  await b.evaluate(() => (window as any).demo.peers[0].setCursor(500, 380))
  // The form samples the room's values: wait until the panel holds both points, not the first nulls.
  await waitFor(async () => {
    const cursors = (await panelState(panel)).repos.flatMap(repo => repo.rooms.map(room => room.namespaces.cursor ?? {}))
    const points = cursors.flatMap(entries => Object.values(entries)).filter(entry => !entry.deleted && entry.value !== null)
    return points.length >= 2
  }, "both cursors in the panel")
  await openSimulate(panel)

  const [wide] = await addPeers(panel, { name: "fox", count: 1, visibility: "network", cursorHz: 20 })
  const [rendered] = await waitForMovingCursors(a, [wide!.id], "the panel's own tab")
  expect(rendered!.name).toBe("fox")
  const [elsewhere] = await waitForMovingCursors(b, [wide!.id], "the other tab, through the sync server")
  expect(elsewhere!.name).toBe("fox")

  const [local] = await addPeers(panel, { name: "den", count: 1, visibility: "local" })
  await waitForMovingCursors(a, [local!.id], "the panel's own tab")
  const started = Date.now()
  while (Date.now() - started < localOnlyWindowMs) {
    expect(await pageKnows(b, local!.id, PRESENCE_CHANNELS)).toEqual({ dom: false, stores: [] })
    await new Promise(resolve => setTimeout(resolve, 100))
  }

  await domClick(panel, testId("sim-remove-all"))
  await waitFor(async () => (await simRows(panel)).length === 0, "the panel's list to empty")
  await waitFor(async () => {
    const known = await Promise.all([wide!.id, local!.id].map(id => pageKnows(a, id, PRESENCE_CHANNELS)))
    return known.every(seen => !seen.dom && seen.stores.length === 0)
  }, "tab A to forget the simulated peers (their goodbyes)")
  await waitFor(async () => {
    const seen = await pageKnows(b, wide!.id, PRESENCE_CHANNELS)
    return !seen.dom && seen.stores.length === 0
  }, "tab B to forget the network-wide peer")
}
