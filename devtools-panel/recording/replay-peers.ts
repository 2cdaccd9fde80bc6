/**
 * The recorded peers a replay can bring back, judged as the Simulate view
 * judges live members (simulate/peer-roles.ts), and which of them replay by
 * default: not the recorded page's own peer (the live page has its own user)
 * and not a service (the live app already has its server; a replayed one
 * would publish a second, stale game state that the app may draw instead).
 */
import type { FixtureAction } from "../../protocol/fixture"
import { profileMembers } from "../simulate/peer-roles"
import type { PanelState } from "../state/panel-state"

export interface ReplayCandidate {
  key: string
  name: string
  role: "client" | "service"
  /** Why it counts as a service. */
  why?: string
  /** The recorded repo's own peer. */
  isSelf: boolean
  /** Replayed unless the user says otherwise. */
  byDefault: boolean
}

/**
 * Every peer that wrote in the recorded room: those the room holds at the
 * end, judged there, and those only the replay plan knows (they left before
 * a reload that reset the room's members), judged as clients.
 */
export function replayCandidates(
  state: PanelState,
  repoId: string,
  docId: string,
  planned: ReadonlyArray<{ key: string; name: string }> = [],
): ReplayCandidate[] {
  const repo = state.repos.get(repoId)
  const room = repo?.rooms.get(docId)
  const writers = new Set<string>(planned.map(peer => peer.key))
  for (const entries of room?.namespaces.values() ?? []) for (const key of entries.keys()) writers.add(key)
  const judged: ReplayCandidate[] = (repo && room ? profileMembers(repo, room, new Set()) : [])
    .filter(profile => writers.has(profile.peerId))
    .map(profile => ({
      key: profile.peerId,
      name: profile.name,
      role: profile.role,
      ...(profile.why ? { why: profile.why } : {}),
      isSelf: profile.isSelf,
      byDefault: !profile.isSelf && profile.role === "client",
    }))
  const known = new Set(judged.map(candidate => candidate.key))
  for (const { key, name } of planned) {
    if (known.has(key)) continue
    known.add(key)
    const isSelf = key === repo?.info.peerId
    judged.push({ key, name, role: "client", isSelf, byDefault: !isSelf })
  }
  return judged
}

/** The peers an unfiltered plan replays, with the names their values carry. */
export function plannedPeers(actions: readonly FixtureAction[]): Array<{ key: string; name: string }> {
  const peers = new Map<string, string>()
  for (const action of actions)
    if (action.kind === "add" && !peers.has(action.recordedId)) peers.set(action.recordedId, action.spec.name.replace(/ \(replay\)$/, ""))
  return [...peers].map(([key, name]) => ({ key, name }))
}

/** The keys replayed: the defaults, changed by the user's own ticks and unticks. */
export function chosenPeers(candidates: readonly ReplayCandidate[], overrides: ReadonlyMap<string, boolean>): Set<string> {
  return new Set(candidates.filter(candidate => overrides.get(candidate.key) ?? candidate.byDefault).map(candidate => candidate.key))
}
