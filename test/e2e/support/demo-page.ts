/**
 * What the e2e tests read from and do to the demo page and the panel, the same
 * in Playwright (Chromium) and puppeteer (Firefox): both pages have evaluate().
 */
import { canonicalJson } from "./canonical-json"
import { waitFor } from "./wait"

/** Playwright's and puppeteer's Page (and Frame) both fit; their generics differ, hence the loose type. */
export interface Evaluator {
  evaluate(fn: (arg: any) => unknown, arg?: any): Promise<any>
}

/** Waits until the demo's repos are all connected to the hub; returns their peer ids. */
export async function demoReady(page: Evaluator): Promise<string[]> {
  return page.evaluate(async () => {
    const demo = (window as any).demo
    for (let i = 0; i < 400 && !demo; i++) await new Promise(resolve => setTimeout(resolve, 25))
    await (window as any).demo.ready
    return (window as any).demo.peers.map((peer: { peerId: string }) => peer.peerId)
  })
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

export function waitForPanelValue(panel: Evaluator, label: string, namespace: string, key: string, expected: unknown, what: string) {
  const want = canonicalJson(expected)
  return waitFor(async () => canonicalJson(await panelValue(panel, label, namespace, key)) === want, what)
}
