/**
 * Read-only views of the state for the panes: room summaries, member rows
 * with how each peer is connected. Pure functions of state (plus `now` where
 * time matters), derived on render.
 */
import type { ChannelSummary, PeerSummary } from "../../protocol/messages"
import type { EntryState, MemberActivity, RepoState, RoomState, Via } from "./panel-state"
import { nameInPresence } from "./peer-directory"
import { isWireObject } from "../values/summary"

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
  /** `channel` is absent once that channel has closed; `inferred` when the peer was not heard yet and the repo has one channel only. */
  | { kind: "relayed"; via: Via; channel?: ChannelSummary; inferred?: boolean }
  | { kind: "none" }

/** The channel a peer was last heard on (the detectors know it for relayed peers), if known. */
export type HeardVia = (peerId: string) => { channelId: number; relay?: string } | undefined

export interface MemberRow {
  peerId: string
  name?: string
  /** The user and device a peer's own presence names (`userId`, `deviceId` fields), when it does. */
  userId?: string
  deviceId?: string
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

/** A display name: the model's identity, else a name field of the peer's own presence value. */
function nameOf(repo: RepoState, room: RoomState, peerId: string): string | undefined {
  if (peerId === repo.info.peerId && repo.info.name) return repo.info.name
  const fromModel = peerOf(repo, peerId)?.identity?.name
  if (fromModel) return fromModel
  for (const { entry } of entriesOfPeer(room, peerId)) {
    const published = entry.deleted ? undefined : nameInPresence(entry.value)
    if (published !== undefined) return published
  }
  return undefined
}

/** A string field of any of the peer's own presence values (its entries in the room). */
function presenceField(room: RoomState, peerId: string, field: string): string | undefined {
  for (const { entry } of entriesOfPeer(room, peerId)) {
    if (entry.deleted || !isWireObject(entry.value)) continue
    const value = entry.value[field]
    if (typeof value === "string") return value
  }
  return undefined
}

/**
 * How a peer reaches this repo: itself, its own channel, or through a relay.
 * A relayed peer's relay is the channel that last delivered one of its
 * values, else the one it was last heard on, else (not heard yet) the
 * repo's only channel.
 */
export function connectionOf(repo: RepoState, peerId: string, activity: MemberActivity | undefined, heardVia?: HeardVia): Connection {
  if (peerId === repo.info.peerId) return { kind: "self" }
  const channels = repo.model.channels.filter(channel => channel.peerId === peerId)
  if (channels.length > 0) return { kind: "direct", channels }
  const channelOf = (channelId: number) => repo.model.channels.find(channel => channel.channelId === channelId)
  const heard = heardVia?.(peerId)
  if (heard && heard.relay !== undefined && heard.relay !== peerId) {
    return { kind: "relayed", via: { channelId: heard.channelId, peerId: heard.relay }, channel: channelOf(heard.channelId) }
  }
  const via = activity?.via
  if (via && via.peerId !== peerId) return { kind: "relayed", via, channel: channelOf(via.channelId) }
  const established = repo.model.channels.filter(channel => channel.type === "established")
  if (established.length === 1) {
    const only = established[0]!
    return {
      kind: "relayed",
      via: { channelId: only.channelId, ...(only.peerId !== undefined ? { peerId: only.peerId } : {}) },
      channel: only,
      inferred: true,
    }
  }
  return { kind: "none" }
}

export function memberRows(repo: RepoState, room: RoomState, heardVia?: HeardVia): MemberRow[] {
  const rows = [...room.members.values()].map((activity): MemberRow => {
    const peer = peerOf(repo, activity.peerId)
    const isSelf = activity.peerId === repo.info.peerId
    let lastUpdate: number | undefined
    for (const { entry } of entriesOfPeer(room, activity.peerId)) lastUpdate = Math.max(lastUpdate ?? 0, entry.changedAt)
    if (lastUpdate === undefined) lastUpdate = peer?.docSyncStates?.find(state => state.docId === room.docId)?.lastUpdated
    return {
      peerId: activity.peerId,
      name: nameOf(repo, room, activity.peerId),
      userId: presenceField(room, activity.peerId, "userId"),
      deviceId: presenceField(room, activity.peerId, "deviceId"),
      type: isSelf ? repo.info.identityType : peer?.identity?.type,
      isSelf,
      present: activity.present,
      goneAt: activity.goneAt,
      firstSeen: activity.firstSeen,
      lastUpdate,
      connection: connectionOf(repo, activity.peerId, activity, heardVia),
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
