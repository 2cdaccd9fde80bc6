/**
 * The automerge demo in e2e tests: its peers' Presence is the truth the
 * panel must equal, key for key (the page's `getStates(channel)` reads each
 * Presence's peer states and local state).
 */
import type { Evaluator } from "./session"
import { describeDifference, pageMaps, panelMaps } from "./fidelity"
import { waitFor } from "./wait"

/** The demo's Presence channels. */
export const PRESENCE_CHANNELS = ["user", "cursor", "typing"]

/** The room's document id (the panel's room), once the page joined. */
export async function automergeDocId(page: Evaluator): Promise<string> {
  return page.evaluate(async () => {
    for (let i = 0; i < 400 && !(window as any).demo; i++) await new Promise(resolve => setTimeout(resolve, 25))
    return (window as any).demo.docId as string
  })
}

/** Every peer of the page broadcasts `rounds` cursors (and typing every tenth); returns how many updates it sent. */
export function presenceStorm(page: Evaluator, rounds: number): Promise<number> {
  return page.evaluate(async (count: number) => {
    const peers = (window as any).demo.peers
    let sent = 0
    for (let i = 0; i < count; i++) {
      for (const [n, peer] of peers.entries()) {
        peer.setCursor(i, n * 1000 + i)
        if (i % 10 === 0) peer.setTyping(i % 20 === 0)
        sent++
      }
      if (i % 20 === 0) await new Promise(resolve => setTimeout(resolve, 0))
    }
    return sent
  }, rounds)
}

/** Waits until every peer of the page knows `peerCount` peers on every channel and the panel shows exactly that. */
export async function waitForPresenceTruth(page: Evaluator, panel: Evaluator, labels: string[], docId: string, peerCount: number) {
  let last = ""
  await waitFor(
    async () => {
      const expected = await pageMaps(page, PRESENCE_CHANNELS)
      last = describeDifference(expected, await panelMaps(panel, labels, PRESENCE_CHANNELS, docId))
      const settled = Object.values(expected).every(maps =>
        PRESENCE_CHANNELS.every(channel => Object.keys(maps[channel] ?? {}).length === peerCount),
      )
      if (!settled)
        last = `not settled: ${JSON.stringify(Object.fromEntries(Object.entries(expected).map(([l, m]) => [l, Object.keys(m.cursor ?? {}).length])))}\n${last}`
      return settled && last === ""
    },
    "the panel to equal each peer's Presence",
    30_000,
  ).catch(error => {
    throw new Error(`${error.message}\n${last}`)
  })
}
