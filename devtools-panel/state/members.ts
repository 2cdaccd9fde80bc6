/**
 * Who is in a room. With the TypedEphemeral `setSelf` pattern every key of
 * every namespace is a peer id; directly connected peers also show in the
 * model with the room in their subscriptions. A member is present while it
 * has a live key or an open channel, and is kept (as gone) afterwards.
 */
import type { ModelSnapshot } from "../../protocol/messages"
import type { Draft, Mutable } from "./draft"
import { hasLiveKey } from "./ephemeral-maps"
import type { MemberActivity, RoomState, Via } from "./panel-state"

/** The sliding window of the update rate. */
export const RATE_WINDOW_MS = 5_000
/** Bound on remembered change times per member (a rate beyond this is shown as at least it). */
const MAX_RECENT = 512

/** Peers of the model that subscribe to a document. */
export function subscribedPeers(model: ModelSnapshot, docId: string): ModelSnapshot["peers"] {
  return model.peers.filter(peer => peer.subscriptions.includes(docId))
}

function isPresent(room: RoomState, model: ModelSnapshot, peerId: string): boolean {
  if (hasLiveKey(room, peerId)) return true
  const peer = model.peers.find(candidate => candidate.identity.peerId === peerId)
  return peer?.subscriptions.includes(room.docId) === true && peer.channels.length > 0
}

/** Recomputes presence of every candidate member; records arrivals and departures at time t. */
export function refreshMembers(draft: Draft, room: Mutable<RoomState>, model: ModelSnapshot, t: number): void {
  const candidates = new Set<string>(room.members.keys())
  for (const entries of room.namespaces.values()) for (const key of entries.keys()) candidates.add(key)
  for (const peer of subscribedPeers(model, room.docId)) candidates.add(peer.identity.peerId)
  let members: Map<string, MemberActivity> | undefined
  for (const peerId of candidates) {
    const present = isPresent(room, model, peerId)
    const prev = room.members.get(peerId)
    if (prev && prev.present === present) continue
    const next: MemberActivity = prev
      ? { ...prev, present, goneAt: present ? undefined : t }
      : { peerId, present, firstSeen: t, recent: [], ...(present ? {} : { goneAt: t }) }
    members ??= draft.map(room.members)
    members.set(peerId, next)
  }
  if (members) room.members = members
}

/** Records a real change of one of a member's keys (re-stamps never get here). */
export function noteMemberChange(draft: Draft, room: Mutable<RoomState>, peerId: string, t: number, via: Via | undefined): void {
  const members = draft.map(room.members)
  room.members = members
  const prev = members.get(peerId)
  const recent = prev ? prev.recent.filter(time => time > t - RATE_WINDOW_MS) : []
  recent.push(t)
  if (recent.length > MAX_RECENT) recent.splice(0, recent.length - MAX_RECENT)
  members.set(peerId, {
    peerId,
    present: prev?.present ?? true,
    firstSeen: prev?.firstSeen ?? t,
    ...(prev?.goneAt !== undefined ? { goneAt: prev.goneAt } : {}),
    recent,
    via: via ?? prev?.via,
  })
  room.lastActivity = Math.max(room.lastActivity ?? 0, t)
}

/** Real changes per second over the window ending at `now`. */
export function updateRate(activity: MemberActivity | undefined, now: number): number {
  if (!activity) return 0
  let count = 0
  for (const time of activity.recent) if (time > now - RATE_WINDOW_MS && time <= now) count++
  return count / (RATE_WINDOW_MS / 1000)
}
