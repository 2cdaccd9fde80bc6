/**
 * What the e2e tests read from and do to the demo page and the panel, the same
 * in both browsers: everything goes through evaluate().
 */
import { canonicalJson } from "./canonical-json"
import type { Evaluator } from "./session"
import { waitFor } from "./wait"

/**
 * Waits until the demo's repos are all connected to the hub; returns their
 * peer ids. Asks the page again on every poll: `window.demo` appears when the
 * app's module has run, and `demo.ready` settles once every peer is synced.
 */
export async function demoReady(page: Evaluator): Promise<string[]> {
  return waitFor(
    () =>
      page.evaluate(() => {
        const w = window as any
        if (!w.demo) return undefined
        // Noted on the window, so that the next poll can read it synchronously.
        w.__demoReadyWatch ??= w.demo.ready.then(() => (w.__demoIsReady = true))
        return w.__demoIsReady ? (w.demo.peers.map((peer: { peerId: string }) => peer.peerId) as string[]) : undefined
      }),
    "the demo page's peers to connect to the hub",
    30_000,
  )
}

/** The names (= panel labels) of the demo page's peers, once they are connected. */
export async function peerNames(page: Evaluator): Promise<string[]> {
  await demoReady(page)
  return page.evaluate(() => (window as any).demo.peers.map((peer: { name: string }) => peer.name))
}

/** The panel's full model of the page, as it exposes it for tests. */
export interface PanelSnapshot {
  repos: Array<{
    repoId: string
    label: string
    peerId: string
    gone: boolean
    rooms: Array<{ docId: string; namespaces: Record<string, Record<string, { value: unknown; deleted: boolean; timestamp?: number }>> }>
  }>
  dropped: number
  lost: number
}

export function panelState(panel: Evaluator): Promise<PanelSnapshot> {
  return panel.evaluate(() => (window as any).__ephemeraPanelState as PanelSnapshot)
}

/** The value the panel holds for one key, or undefined. */
export async function panelValue(panel: Evaluator, peerLabel: string, namespace: string, key: string): Promise<unknown> {
  const state = await panelState(panel)
  const repo = state.repos.find(r => r.label === peerLabel && !r.gone)
  for (const room of repo?.rooms ?? []) {
    const entry = room.namespaces[namespace]?.[key]
    if (entry && !entry.deleted) return entry.value
  }
  return undefined
}

/** Waits until the panel lists `count` repos that are not gone; returns the panel's state then. */
export function waitForRepos(panel: Evaluator, count: number, what: string): Promise<PanelSnapshot> {
  return waitFor(async () => {
    const state = await panelState(panel)
    return state.repos.filter(repo => !repo.gone).length === count ? state : undefined
  }, what)
}

/** What the page's own first peer holds for one key of a namespace (undefined when nothing). */
export function pageValue(page: Evaluator, namespace: string, key: string): Promise<unknown> {
  return page.evaluate(({ ns, k }: { ns: string; k: string }) => (window as any).demo.peers[0].getStates(ns)[k], { ns: namespace, k: key })
}

/**
 * The truth check for one key: waits until the panel shows what the page's
 * own store holds. Not simply what the test wrote last: the hub's heartbeat
 * re-stamps every key it holds with its own clock, so a copy still on its
 * way can overwrite the writer's newer value, everywhere and for good, by
 * the library's last-writer-wins rule (seen under load after a burst).
 */
export async function waitForPanelToEqualPage(
  panel: Evaluator,
  page: Evaluator,
  label: string,
  namespace: string,
  key: string,
  what: string,
): Promise<void> {
  let last = ""
  await waitFor(async () => {
    const [shown, held] = await Promise.all([panelValue(panel, label, namespace, key), pageValue(page, namespace, key)])
    last = `panel ${canonicalJson(shown)}, page ${canonicalJson(held)}`
    return held !== undefined && canonicalJson(shown) === canonicalJson(held)
  }, what).catch(error => {
    throw new Error(`${error.message} (${last})`)
  })
}
