/**
 * What a replay wrote into the demo page, read from the page's own stores:
 * every change of the first peer's stores is kept as a snapshot of the keys
 * that were not there when watching began (the replayed peers' fresh ids),
 * and snapshots are keyed back to the recorded peers by the name their
 * presence carries. Compared with the recording's own state (the panel's
 * snapshot at a timeline position), in the same shape.
 */
import type { PanelSnapshot } from "./demo-page"
import type { Evaluator } from "./session"

/** Recorded peer key -> namespace -> value. */
export type PeerValues = Record<string, Record<string, unknown>>
/** Namespace -> store key -> value, of the keys that were new. */
type Snapshot = Record<string, Record<string, unknown>>

/** Starts keeping a snapshot of the new keys of the first demo peer's stores after every change. */
export async function watchNewKeys(page: Evaluator, namespaces: readonly string[]): Promise<void> {
  await page.evaluate((names: string[]) => {
    const peer = (window as any).demo.peers[0]
    const known = new Set<string>()
    for (const ns of names) for (const key of Object.keys(peer.getStates(ns))) known.add(key)
    const snapshots: Array<Record<string, Record<string, unknown>>> = []
    const take = () => {
      const snapshot: Record<string, Record<string, unknown>> = {}
      for (const ns of names) {
        snapshot[ns] = {}
        for (const [key, value] of Object.entries(peer.getStates(ns) as Record<string, unknown>))
          if (!known.has(key)) snapshot[ns]![key] = value
      }
      snapshots.push(JSON.parse(JSON.stringify(snapshot)))
    }
    for (const ns of names) peer.handle[ns].raw.subscribe(take)
    ;(window as any).__newKeySnapshots = snapshots
  }, namespaces as string[])
}

export function newKeySnapshots(page: Evaluator): Promise<Snapshot[]> {
  return page.evaluate(() => (window as any).__newKeySnapshots)
}

/** The page's current values of the new keys. */
export async function currentNewKeys(page: Evaluator, namespaces: readonly string[]): Promise<Snapshot> {
  return page.evaluate((names: string[]) => {
    const peer = (window as any).demo.peers[0]
    const snapshots = (window as any).__newKeySnapshots as Array<Record<string, Record<string, unknown>>>
    const seen = new Set<string>()
    for (const snapshot of snapshots) for (const ns of names) for (const key of Object.keys(snapshot[ns] ?? {})) seen.add(key)
    const now: Record<string, Record<string, unknown>> = {}
    for (const ns of names) {
      now[ns] = {}
      for (const [key, value] of Object.entries(peer.getStates(ns) as Record<string, unknown>)) if (seen.has(key)) now[ns]![key] = value
    }
    return now
  }, namespaces as string[])
}

/** A snapshot by recorded peer: each new key is the recorded peer whose presence carries the same name. */
export function byRecordedPeer(snapshot: Snapshot, recordedByName: ReadonlyMap<string, string>): PeerValues {
  const keyOf = new Map<string, string>()
  for (const [key, value] of Object.entries(snapshot.presence ?? {})) {
    const recorded = recordedByName.get((value as { name?: string } | null)?.name ?? "")
    if (recorded !== undefined) keyOf.set(key, recorded)
  }
  const values: PeerValues = {}
  for (const [ns, entries] of Object.entries(snapshot)) {
    for (const [key, value] of Object.entries(entries)) {
      const recorded = keyOf.get(key)
      if (recorded === undefined) continue
      values[recorded] ??= {}
      values[recorded]![ns] = value
    }
  }
  return values
}

/** The recording's own live values of some peers in one repo's room, from a panel snapshot. */
export function recordedValues(state: PanelSnapshot, label: string, docId: string, keys: ReadonlySet<string>): PeerValues {
  const repo = state.repos.find(candidate => candidate.label === label && !candidate.gone)
  const room = repo?.rooms.find(candidate => candidate.docId === docId)
  const values: PeerValues = {}
  for (const [ns, entries] of Object.entries(room?.namespaces ?? {})) {
    for (const [key, entry] of Object.entries(entries)) {
      if (entry.deleted || !keys.has(key)) continue
      values[key] ??= {}
      values[key]![ns] = entry.value
    }
  }
  return values
}

/** Whether `values` has every peer and namespace `like` has (whatever the values). */
export function coversShape(values: PeerValues, like: PeerValues): boolean {
  return Object.entries(like).every(([key, namespaces]) => Object.keys(namespaces).every(ns => values[key]?.[ns] !== undefined))
}
