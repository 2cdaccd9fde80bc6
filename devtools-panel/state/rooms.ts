/**
 * Rooms: in loro-extended 5.x a room is a document that has ephemeral stores
 * or subscribed peers. A repo's rooms map holds both kinds.
 */
import type { Draft, Mutable } from "./draft"
import { refreshMembers } from "./members"
import type { RepoState, RoomState } from "./panel-state"

export function emptyRoom(docId: string): RoomState {
  return { docId, namespaces: new Map(), members: new Map() }
}

/** A writable room of a drafted repo, created when missing. */
export function draftRoom(draft: Draft, repo: Mutable<RepoState>, docId: string): Mutable<RoomState> {
  const rooms = draft.map(repo.rooms)
  repo.rooms = rooms
  const room = draft.object(rooms.get(docId) ?? emptyRoom(docId))
  rooms.set(docId, room)
  return room
}

/** Recomputes who is present in one room; the room is only copied when that changed. */
export function settleRoom(draft: Draft, repo: Mutable<RepoState>, docId: string, t: number): void {
  const before = repo.rooms.get(docId)
  const room = draft.object(before ?? emptyRoom(docId))
  refreshMembers(draft, room, repo.model, t)
  // Already drafted (changed in place), or a copy that turned out unchanged.
  if (before !== undefined && (room === before || room.members === before.members)) return
  const rooms = draft.map(repo.rooms)
  rooms.set(docId, room)
  repo.rooms = rooms
}

/** After the model changed: rooms for newly subscribed documents, and presence everywhere. */
export function refreshRoomsFromModel(draft: Draft, repo: Mutable<RepoState>, t: number): void {
  const docIds = new Set(repo.rooms.keys())
  for (const peer of repo.model.peers) for (const docId of peer.subscriptions) docIds.add(docId)
  for (const docId of docIds) settleRoom(draft, repo, docId, t)
}
