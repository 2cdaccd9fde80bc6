import { type ClientPresence, isServerPresence, type RoomHandle } from "../../shared/room"

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

/** A server's presence in the room (the hub publishes one). */
export interface ServerView {
  peerId: string
  name: string
  clients: number
  notes: number
}

/** Presence entries of people and bots: everything but a server's. */
function clientPresences(handle: RoomHandle): Array<[string, ClientPresence]> {
  const clients: Array<[string, ClientPresence]> = []
  for (const [peerId, presence] of handle.presence.getAll()) if (!isServerPresence(presence)) clients.push([peerId, presence])
  return clients
}

/**
 * What the page shows, read from the primary peer's stores. A peer is in the
 * room while it has presence: cursors without presence are not drawn. The
 * hub's presence is not a member: it shows as the room's server.
 */
export function membersOf(handle: RoomHandle, localPeerIds: ReadonlySet<string>): MemberView[] {
  const typing = handle.typing.getAll()
  return clientPresences(handle)
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

export function serversOf(handle: RoomHandle): ServerView[] {
  const servers: ServerView[] = []
  for (const [peerId, presence] of handle.presence.getAll()) {
    if (isServerPresence(presence)) servers.push({ peerId, name: presence.name, clients: presence.clients, notes: presence.notes })
  }
  return servers.sort((a, b) => a.peerId.localeCompare(b.peerId))
}

export function remoteCursorsOf(handle: RoomHandle): CursorView[] {
  const presence = new Map(clientPresences(handle))
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
