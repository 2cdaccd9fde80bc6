import type { RoomHandle } from "../../shared/room"

export interface MemberView {
  peerId: string
  name: string
  color: string
  typing: boolean
  /** Hosted by this page (the user or one of its extra peers). */
  local: boolean
  isSelf: boolean
}

export interface CursorView {
  peerId: string
  name: string
  color: string
  x: number
  y: number
}

/**
 * What the page shows, read from the primary peer's stores. A peer is in the
 * room while it has presence: cursors without presence are not drawn.
 */
export function membersOf(handle: RoomHandle, localPeerIds: ReadonlySet<string>): MemberView[] {
  const typing = handle.typing.getAll()
  return [...handle.presence.getAll()]
    .map(([peerId, presence]) => ({
      peerId,
      name: presence.name,
      color: presence.color,
      typing: typing.get(peerId)?.typing === true,
      local: localPeerIds.has(peerId),
      isSelf: peerId === handle.peerId,
    }))
    .sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name))
}

export function remoteCursorsOf(handle: RoomHandle): CursorView[] {
  const presence = handle.presence.getAll()
  const cursors: CursorView[] = []
  for (const [peerId, cursor] of handle.cursor.getAll()) {
    const member = presence.get(peerId)
    if (peerId === handle.peerId || !member) continue
    cursors.push({ peerId, name: member.name, color: member.color, x: cursor.x, y: cursor.y })
  }
  return cursors
}

export function notesOf(handle: RoomHandle): string[] {
  return handle.doc.toJSON().notes
}
