/**
 * The truth check: for every repo of a page, every room and namespace, the
 * panel's map must equal `store.getAllStates()` read from the page itself.
 */
import { canonicalJson } from "./canonical-json"
import { panelState } from "./demo-page"
import type { Evaluator } from "./session"

type Maps = Record<string, Record<string, unknown>>

/** Page side: label -> namespace -> key -> value, from the stores themselves. */
export function pageMaps(page: Evaluator, namespaces: string[]): Promise<Record<string, Maps>> {
  return page.evaluate((names: string[]) => {
    const out: Record<string, Record<string, Record<string, unknown>>> = {}
    for (const peer of (window as any).demo.peers) {
      out[peer.name] = {}
      for (const ns of names) out[peer.name]![ns] = peer.getStates(ns)
    }
    return out
  }, namespaces)
}

/** Panel side, in the same shape, tombstones left out (getAllStates has none). */
export async function panelMaps(panel: Evaluator, labels: string[], namespaces: string[], docId: string): Promise<Record<string, Maps>> {
  const state = await panelState(panel)
  const out: Record<string, Maps> = {}
  for (const label of labels) {
    const repo = state.repos.find(r => r.label === label && !r.gone)
    const room = repo?.rooms.find(r => r.docId === docId)
    out[label] = {}
    for (const ns of namespaces) {
      const live: Record<string, unknown> = {}
      for (const [key, entry] of Object.entries(room?.namespaces[ns] ?? {})) if (!entry.deleted) live[key] = entry.value
      out[label]![ns] = live
    }
  }
  return out
}

/** A short description of where two map sets differ (for failure messages). */
export function describeDifference(expected: Record<string, Maps>, actual: Record<string, Maps>): string {
  const lines: string[] = []
  for (const [label, maps] of Object.entries(expected)) {
    for (const [ns, map] of Object.entries(maps)) {
      const got = actual[label]?.[ns] ?? {}
      for (const key of new Set([...Object.keys(map), ...Object.keys(got)])) {
        const want = canonicalJson(map[key])
        const have = canonicalJson(got[key])
        if (want !== have) lines.push(`${label}/${ns}/${key}: page ${want} panel ${have}`)
      }
    }
  }
  return lines.slice(0, 20).join("\n")
}
