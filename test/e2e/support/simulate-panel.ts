/**
 * Driving the panel's Simulate view and reading the demo page's view of
 * simulated peers, through evaluate() in both browsers.
 */
import { domClick, fill } from "./dom"
import type { Evaluator } from "./session"
import { waitFor } from "./wait"

export interface SimRow {
  id: string
  name: string
  state: string
  paused: boolean
  visibility: string
}

export interface AddPeers {
  name: string
  count: number
  visibility: "local" | "network"
  /** Rate of the cursor's random walk (the editor pre-fills one from the room). */
  cursorHz?: number
  /** Namespaces to leave out (the editor includes every namespace of the room). */
  exclude?: string[]
}

export function simRows(panel: Evaluator): Promise<SimRow[]> {
  return panel.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="sim-peer-row"]')].map(row => ({
      id: row.dataset.peerId ?? "",
      name: row.dataset.name ?? "",
      state: row.dataset.state ?? "",
      paused: row.dataset.paused === "true",
      visibility: row.dataset.visibility ?? "",
    })),
  )
}

/** Opens the Simulate tab and waits until the form has an editor for `namespace`. */
export async function openSimulate(panel: Evaluator, namespace = "cursor"): Promise<void> {
  await waitFor(() => panel.evaluate(() => document.querySelector('[data-testid="tab-simulate"]') !== null), "the Simulate tab")
  await domClick(panel, '[data-testid="tab-simulate"]')
  await waitFor(
    () =>
      panel.evaluate(
        (ns: string) => document.querySelector(`[data-testid="sim-namespace-editor"][data-namespace="${ns}"]`) !== null,
        namespace,
      ),
    `the ${namespace} editor`,
  )
}

/** Fills the form and adds; resolves with the new rows once they are all live. */
export async function addPeers(panel: Evaluator, options: AddPeers): Promise<SimRow[]> {
  const before = new Set((await simRows(panel)).map(row => row.id))
  await fill(panel, '[data-testid="sim-name"]', options.name)
  await fill(panel, '[data-testid="sim-count"]', String(options.count))
  await fill(panel, '[data-testid="sim-visibility"]', options.visibility)
  for (const namespace of options.exclude ?? []) {
    await domClick(panel, `[data-testid="sim-namespace-editor"][data-namespace="${namespace}"] [data-testid="sim-include"]`)
  }
  if (options.cursorHz !== undefined) {
    await fill(panel, '[data-testid="sim-namespace-editor"][data-namespace="cursor"] [data-testid="sim-rate"]', String(options.cursorHz))
  }
  await domClick(panel, '[data-testid="sim-add"]')
  return waitFor(async () => {
    const error = await panel.evaluate(() => document.querySelector('[data-testid="sim-error"]')?.textContent ?? "")
    if (error) throw new Error(`the panel reported: ${error}`)
    const added = (await simRows(panel)).filter(row => !before.has(row.id))
    return added.length === options.count && added.every(row => row.state === "live") ? added : undefined
  }, `${options.count} × ${options.name} to go live`)
}

export interface RenderedCursor {
  peerId: string
  name: string
  /** The point as the page received it (`data-x`/`data-y`). */
  x: string
  y: string
}

/** The demo page's rendered remote cursors. */
export function remoteCursors(page: Evaluator): Promise<RenderedCursor[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="remote-cursor"]')].map(cursor => ({
      peerId: cursor.dataset.peerId ?? "",
      name: cursor.dataset.name ?? "",
      x: cursor.dataset.x ?? "",
      y: cursor.dataset.y ?? "",
    })),
  )
}

/** The demo page's rendered member list (peer ids). */
export function memberIds(page: Evaluator): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="member"]')].map(member => member.dataset.peerId ?? ""),
  )
}

/**
 * Whether a peer id is anywhere in the page: its DOM or any namespace store of
 * its first repo (the automerge demo's namespaces are its Presence channels).
 */
export function pageKnows(
  page: Evaluator,
  peerId: string,
  namespaces = ["presence", "cursor", "typing"],
): Promise<{ dom: boolean; stores: string[] }> {
  return page.evaluate(
    ({ id, names }: { id: string; names: string[] }) => {
      const demo = (window as any).demo
      const stores = names.filter(namespace => Object.hasOwn(demo.peers[0].getStates(namespace), id))
      return { dom: document.querySelector(`[data-peer-id="${id}"]`) !== null, stores }
    },
    { id: peerId, names: namespaces },
  )
}

/** Waits until each of `ids` has a rendered cursor in `page`, then until every one of them has moved. */
export async function waitForMovingCursors(page: Evaluator, ids: string[], what: string): Promise<RenderedCursor[]> {
  const first = await waitFor(async () => {
    const cursors = await remoteCursors(page)
    const mine = ids.map(id => cursors.find(cursor => cursor.peerId === id))
    return mine.every(Boolean) ? (mine as RenderedCursor[]) : undefined
  }, `${what}: every cursor rendered`)
  await waitFor(async () => {
    const cursors = await remoteCursors(page)
    return first.every(start => {
      const now = cursors.find(cursor => cursor.peerId === start.peerId)
      return now !== undefined && (now.x !== start.x || now.y !== start.y)
    })
  }, `${what}: every cursor moving`)
  return first
}

/**
 * Counts the synchronizer's heartbeats of the page's first repo from now on
 * (the repo dispatches one every 10 s and re-broadcasts every store key on
 * it); read the count with `heartbeats`.
 */
export async function countHeartbeats(page: Evaluator): Promise<void> {
  await page.evaluate(() => {
    const w = window as any
    const synchronizer = w.demo.peers[0].repo.synchronizer
    const inner = synchronizer.updateFn
    w.__heartbeats = 0
    synchronizer.updateFn = (message: { type?: string }, model: unknown) => {
      if (message?.type === "synchronizer/heartbeat") w.__heartbeats++
      return inner(message, model)
    }
  })
}

export function heartbeats(page: Evaluator): Promise<number> {
  return page.evaluate(() => (window as any).__heartbeats as number)
}

/**
 * Whether the page's hook has a panel subscribed (it goes idle on the
 * relay's panel/unsubscribe). The page cannot hear the panel's commands
 * themselves: they reach the hook over the relay's private channel.
 */
export function hookListening(page: Evaluator): Promise<boolean> {
  return page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening === true)
}
