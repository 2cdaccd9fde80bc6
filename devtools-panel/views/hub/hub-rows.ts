/**
 * The rows of the hub section: one per channel (fan-out), one per relayed
 * key of a room (the hub's copy beside its owner's last word).
 */
import type { WireValue } from "../../../protocol/messages"
import { heardKey, ratesAt, type HubRelayState } from "../../state/hub-relay"
import type { RepoState, RoomState } from "../../state/panel-state"

export interface FanOutRow {
  channelId: number
  peerId?: string
  name?: string
  perHeartbeat: { messages: number; entries: number }
  perSecond: { messages: number; entries: number }
  total: { messages: number; entries: number }
}

export function fanOutRows(repo: RepoState, relay: HubRelayState, now: number): FanOutRow[] {
  const names = new Map(repo.model.peers.map(peer => [peer.identity.peerId, peer.identity.name]))
  return repo.model.channels
    .filter(channel => channel.kind === "network")
    .map(channel => {
      const counted = relay.channels.get(channel.channelId)
      const zero = { messages: 0, entries: 0 }
      return {
        channelId: channel.channelId,
        ...(channel.peerId === undefined ? {} : { peerId: channel.peerId, name: names.get(channel.peerId) }),
        perHeartbeat: counted?.perHeartbeat ?? zero,
        perSecond: counted ? ratesAt(counted, now) : zero,
        total: counted?.total ?? zero,
      }
    })
}

export interface RelayedKeyRow {
  namespace: string
  key: string
  value?: WireValue
  /** The timestamp the hub's copy carries (re-stamped on every heartbeat). */
  heldStamp?: number
  /** When the hub last had the key from its owner, on the owner's own channel. */
  heardAt?: number
  /** The owner has a channel to the hub now. */
  ownerConnected: boolean
}

/** Every live key of the room that another peer owns: what the hub holds for others and relays. */
export function relayedKeyRows(repo: RepoState, relay: HubRelayState, room: RoomState): RelayedKeyRow[] {
  const connected = new Set(repo.model.channels.flatMap(channel => (channel.peerId === undefined ? [] : [channel.peerId])))
  const rows: RelayedKeyRow[] = []
  for (const [namespace, entries] of room.namespaces) {
    for (const entry of entries.values()) {
      if (entry.deleted || entry.key === repo.info.peerId) continue
      const heardAt = relay.heardFromOwner.get(heardKey(room.docId, namespace, entry.key))
      rows.push({
        namespace,
        key: entry.key,
        ...(entry.value === undefined ? {} : { value: entry.value }),
        ...(entry.timestamp === undefined ? {} : { heldStamp: entry.timestamp }),
        ...(heardAt === undefined ? {} : { heardAt }),
        ownerConnected: connected.has(entry.key),
      })
    }
  }
  return rows
}
