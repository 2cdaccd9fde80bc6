/**
 * Reading the Findings view and the Live view's liveness from a panel page,
 * the same in Playwright (Chromium) and puppeteer (Firefox): everything
 * goes through evaluate(), clicks included.
 */
import type { Evaluator } from "./session"
import { waitFor } from "./wait"

export interface ShownFinding {
  kind: string
  severity: string
  /** The one-line summary as the user reads it. */
  text: string
}

/** Clicks a tab of the panel by its id ("findings", "live", "sync"…). */
export async function showTab(panel: Evaluator, id: string): Promise<void> {
  await panel.evaluate((tab: string) => (document.querySelector(`[data-testid="tab-${tab}"]`) as HTMLElement).click(), id)
}

/** The findings the Findings view lists (it is shown first). */
export async function shownFindings(panel: Evaluator): Promise<ShownFinding[]> {
  await showTab(panel, "findings")
  return panel.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="finding"]')].map(el => ({
      kind: el.dataset.kind ?? "",
      severity: el.dataset.severity ?? "",
      text: el.querySelector<HTMLElement>('[data-testid="finding-summary"]')?.textContent ?? "",
    })),
  )
}

/** Waits until the Findings view lists a finding of `kind`, and returns its text. */
export async function waitForFinding(panel: Evaluator, kind: string, what: string, timeoutMs = 20_000): Promise<ShownFinding> {
  return waitFor(async () => (await shownFindings(panel)).find(finding => finding.kind === kind), what, timeoutMs, 100)
}

/** The panel's whole text: what a user could read anywhere in the current view. */
export function panelText(panel: Evaluator): Promise<string> {
  // innerText, not textContent: what is rendered and visible, as a user reads it.
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
  return panel.evaluate(() => document.body.innerText)
}

export interface MemberLiveness {
  present: boolean
  livePath: boolean
  status: string
}

/** A member row of the Live view's selected room (the Live tab is shown first). */
export async function memberLiveness(panel: Evaluator, peerId: string): Promise<MemberLiveness | undefined> {
  await showTab(panel, "live")
  return panel.evaluate((id: string) => {
    const row = document.querySelector<HTMLElement>(`[data-testid="member-row"][data-peer-id="${id}"]`)
    if (!row) return undefined
    return {
      present: row.dataset.present === "true",
      livePath: row.dataset.livePath === "true",
      status: row.children[4]?.textContent?.trim() ?? "",
    }
  }, peerId)
}

/** The keys of each heartbeat traffic row: how many keys the repo held at its latest heartbeat. */
export async function heartbeatKeys(panel: Evaluator): Promise<number[]> {
  await showTab(panel, "findings")
  return panel.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="heartbeat-row"]')].map(row => Number(row.dataset.keys)),
  )
}
