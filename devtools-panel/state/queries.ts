/**
 * Read-only views of the state for the panes: room summaries, member rows
 * with how each peer is connected. Pure functions of state (plus `now` where
 * time matters), derived on render.
 */
import type { ChannelSummary, PeerSummary } from "../../protocol/messages"
import { isWireObject } from "../values/summary"
import type { EntryState, MemberActivity, RepoState, RoomState, Via } from "./panel-state"

export interface RoomSummary {
  docId: string
  presentMembers: number
  namespaces: string[]
  lastActivity?: number
}

export function roomSummaries(repo: RepoState): RoomSummary[] {
  return [...repo.rooms.values()].map(room => {
    let presentMembers = 0
    for (const member of room.members.values()) if (member.present) presentMembers++
    return { docId: room.docId, presentMembers, namespaces: [...room.namespaces.keys()], lastActivity: room.lastActivity }
  })
}

export type Connection =
  | { kind: "self" }
  | { kind: "direct"; channels: ChannelSummary[] }
  | { kind: "relayed"; via: Via; channel?: ChannelSummary }
  | { kind: "none" }

export interface MemberRow {
  peerId: string
  name?: string
  type?: string
  isSelf: boolean
  present: boolean
  goneAt?: number
  firstSeen: number
  lastUpdate?: number
  connection: Connection
  activity: MemberActivity
}

function peerOf(repo: RepoState, peerId: string): PeerSummary | undefined {
  return repo.model.peers.find(peer => peer.identity?.peerId === peerId)
}

/** Entries of one peer (its key) across the room's namespaces. */
export function entriesOfPeer(room: RoomState, peerId: string): Array<{ namespace: string; entry: EntryState }> {
  const found: Array<{ namespace: string; entry: EntryState }> = []
  for (const [namespace, entries] of room.namespaces) {
    const entry = entries.get(peerId)
    if (entry) found.push({ namespace, entry })
  }
  return found
}

/** A display name: the model's identity, else a `name` field of the peer's own presence value. */
function nameOf(repo: RepoState, room: RoomState, peerId: string): string | undefined {
  if (peerId === repo.info.peerId && repo.info.name) return repo.info.name
  const fromModel = peerOf(repo, peerId)?.identity?.name
  if (fromModel) return fromModel
  for (const { entry } of entriesOfPeer(room, peerId)) {
    if (isWireObject(entry.value) && typeof entry.value.name === "string") return entry.value.name
  }
  return undefined
}

export function connectionOf(repo: RepoState, peerId: string, activity: MemberActivity | undefined): Connection {
  if (peerId === repo.info.peerId) return { kind: "self" }
  const channels = repo.model.channels.filter(channel => channel.peerId === peerId)
  if (channels.length > 0) return { kind: "direct", channels }
  const via = activity?.via
  if (via && via.peerId !== peerId) {
    return { kind: "relayed", via, channel: repo.model.channels.find(channel => channel.channelId === via.channelId) }
  }
  return { kind: "none" }
}

export function memberRows(repo: RepoState, room: RoomState): MemberRow[] {
  const rows = [...room.members.values()].map((activity): MemberRow => {
    const peer = peerOf(repo, activity.peerId)
    const isSelf = activity.peerId === repo.info.peerId
    let lastUpdate: number | undefined
    for (const { entry } of entriesOfPeer(room, activity.peerId)) lastUpdate = Math.max(lastUpdate ?? 0, entry.changedAt)
    if (lastUpdate === undefined) lastUpdate = peer?.docSyncStates?.find(state => state.docId === room.docId)?.lastUpdated
    return {
      peerId: activity.peerId,
      name: nameOf(repo, room, activity.peerId),
      type: isSelf ? repo.info.identityType : peer?.identity?.type,
      isSelf,
      present: activity.present,
      goneAt: activity.goneAt,
      firstSeen: activity.firstSeen,
      lastUpdate,
      connection: connectionOf(repo, activity.peerId, activity),
      activity,
    }
  })
  // Stable order (self, then arrival) so rows do not jump while the user reads them.
  return rows.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.firstSeen - b.firstSeen || a.peerId.localeCompare(b.peerId))
}

/** Whether a peer appears in a room: highlights rooms when a peer is selected. */
export function roomHasPeer(room: RoomState, peerId: string): boolean {
  return room.members.has(peerId)
}
