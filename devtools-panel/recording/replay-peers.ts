/**
 * The recorded peers a replay can bring back, judged as the Simulate view
 * judges live members (simulate/peer-roles.ts), and which of them replay by
 * default: not the recorded page's own peer (the live page has its own user)
 * and not a service (the live app already has its server; a replayed one
 * would publish a second, stale game state that the app may draw instead).
 */
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

/** Every peer that wrote in the recorded room, in the order the room saw them arrive. */
export function replayCandidates(state: PanelState, repoId: string, docId: string): ReplayCandidate[] {
  const repo = state.repos.get(repoId)
  const room = repo?.rooms.get(docId)
  if (!repo || !room) return []
  const writers = new Set<string>()
  for (const entries of room.namespaces.values()) for (const key of entries.keys()) writers.add(key)
  return profileMembers(repo, room, new Set())
    .filter(profile => writers.has(profile.peerId))
    .map(profile => ({
      key: profile.peerId,
      name: profile.name,
      role: profile.role,
      ...(profile.why ? { why: profile.why } : {}),
      isSelf: profile.isSelf,
      byDefault: !profile.isSelf && profile.role === "client",
    }))
}

/** The keys replayed: the defaults, changed by the user's own ticks and unticks. */
export function chosenPeers(candidates: readonly ReplayCandidate[], overrides: ReadonlyMap<string, boolean>): Set<string> {
  return new Set(candidates.filter(candidate => overrides.get(candidate.key) ?? candidate.byDefault).map(candidate => candidate.key))
}
