import type { Presence } from "@automerge/automerge-repo/slim"
import type { CursorView, MemberView } from "../../client/views/room-snapshot"
import type { PeerPresence, RoomDoc } from "../shared/room"

/**
 * What the page shows, read from the user's Presence: itself from its local
 * state, everyone else from the peer states Presence keeps (which it prunes
 * after the TTL and clears on a goodbye).
 */
export function membersOf(presence: Presence<PeerPresence, RoomDoc>, selfId: string, localPeerIds: ReadonlySet<string>): MemberView[] {
  const members: MemberView[] = []
  for (const [peerId, state] of allStates(presence, selfId)) {
    if (!state.user) continue
    members.push({
      peerId,
      name: state.user.name,
      color: state.user.color,
      typing: state.typing === true,
      local: localPeerIds.has(peerId),
      isSelf: peerId === selfId,
    })
  }
  return members.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name))
}

export function remoteCursorsOf(presence: Presence<PeerPresence, RoomDoc>): CursorView[] {
  const cursors: CursorView[] = []
  for (const [peerId, { value }] of Object.entries(presence.getPeerStates().value)) {
    if (!value.user || !value.cursor) continue
    cursors.push({ peerId, name: value.user.name, color: value.user.color, x: value.cursor.x, y: value.cursor.y })
  }
  return cursors
}

function allStates(presence: Presence<PeerPresence, RoomDoc>, selfId: string): Array<[string, Partial<PeerPresence>]> {
  const peers = Object.entries(presence.getPeerStates().value).map(([peerId, { value }]): [string, Partial<PeerPresence>] => [
    peerId,
    value,
  ])
  return [[selfId, presence.getLocalState()], ...peers]
}
