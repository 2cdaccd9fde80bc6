/**
 * The standalone e2e tests' truth: the demo hub's own stores, read in the
 * test's process, against what the standalone panel page holds for the
 * hub's repo.
 */
import type { Hub } from "../../../demo/server/hub"
import { canonicalJson } from "./canonical-json"
import { panelState } from "./demo-page"
import type { Evaluator } from "./session"
import { waitFor } from "./wait"

export const ROOM_NAMESPACES = ["presence", "cursor", "typing"]

export type Maps = Record<string, Record<string, unknown>>

/** The hub's own stores for one room: what the panel must show. */
export function hubMaps(hub: Hub, docId: string): Maps {
  const stores = hub.repo.synchronizer.docNamespacedStores.get(docId)
  return Object.fromEntries(ROOM_NAMESPACES.map(ns => [ns, (stores?.get(ns)?.getAllStates() ?? {}) as Record<string, unknown>]))
}

/** What the standalone panel holds for the hub's repo in that room (live keys only); undefined before it has the room. */
export async function panelHubMaps(panel: Evaluator, docId: string): Promise<Maps | undefined> {
  const repo = (await panelState(panel)).repos.find(r => r.label === "hub" && !r.gone)
  const room = repo?.rooms.find(r => r.docId === docId)
  if (!room) return undefined
  return Object.fromEntries(
    ROOM_NAMESPACES.map(ns => [
      ns,
      Object.fromEntries(Object.entries(room.namespaces[ns] ?? {}).flatMap(([key, entry]) => (entry.deleted ? [] : [[key, entry.value]]))),
    ]),
  )
}

/** Waits until the panel's maps equal the hub's, key for key, with `cursors` cursors in the room. */
export async function hubMapsAgree(panel: Evaluator, hub: Hub, docId: string, cursors: number, what: string, timeoutMs = 30_000) {
  let last = ""
  await waitFor(
    async () => {
      const [expected, shown] = [canonicalJson(hubMaps(hub, docId)), canonicalJson(await panelHubMaps(panel, docId))]
      last = `hub ${expected}\npanel ${shown}`
      return expected === shown && Object.keys(hubMaps(hub, docId).cursor ?? {}).length === cursors
    },
    what,
    timeoutMs,
  ).catch(error => {
    throw new Error(`${error.message}\n${last}`)
  })
}
