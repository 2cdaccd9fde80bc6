/**
 * The model change a synchronizer message caused, in words: the parts its
 * delta replaced compared with the model it was observed against. Peers by
 * peer id (channels, subscriptions, per-document sync state), channels by id
 * (added, removed, established), documents by id (version, ready states).
 */
import type { ChannelSummary, DocSummary, ModelDelta, ModelSnapshot, PeerSummary } from "../../protocol/messages"
import { channelsOf, documentsOf, peersOf } from "../state/model"
import { formatVersion, type PeerNames } from "../values/format"

export interface ModelChange {
  part: "peer" | "channel" | "document"
  /** Peer id, channel id or document id. */
  id: string
  change: string
}

function setDiff(
  before: readonly (string | number)[],
  after: readonly (string | number)[],
  label: (item: string | number) => string,
): string[] {
  const was = new Set(before)
  const now = new Set(after)
  return [
    ...after.filter(item => !was.has(item)).map(item => `+${label(item)}`),
    ...before.filter(item => !now.has(item)).map(item => `−${label(item)}`),
  ]
}

function peerChanges(before: PeerSummary | undefined, after: PeerSummary): string[] {
  if (!before)
    return [
      `joined (${after.identity.type}${after.channels.length > 0 ? `, channels ${after.channels.map(id => `#${id}`).join(", ")}` : ""})`,
    ]
  const changes: string[] = []
  const channels = setDiff(before.channels, after.channels, id => `#${id}`)
  if (channels.length > 0) changes.push(`channels ${channels.join(" ")}`)
  const subscriptions = setDiff(before.subscriptions, after.subscriptions, String)
  if (subscriptions.length > 0) changes.push(`subscriptions ${subscriptions.join(" ")}`)
  for (const state of after.docSyncStates) {
    const old = before.docSyncStates.find(s => s.docId === state.docId)
    const version = formatVersion(state.lastKnownVersion)
    if (!old) changes.push(`${state.docId}: ${state.status}${state.lastKnownVersion ? ` at ${version}` : ""}`)
    else if (old.status !== state.status)
      changes.push(`${state.docId}: ${old.status} → ${state.status}${state.lastKnownVersion ? ` at ${version}` : ""}`)
    else if (formatVersion(old.lastKnownVersion) !== version)
      changes.push(`${state.docId}: known version ${formatVersion(old.lastKnownVersion)} → ${version}`)
  }
  return changes
}

function channelChange(before: ChannelSummary | undefined, after: ChannelSummary, names: PeerNames): string | undefined {
  const peer = after.peerId ? ` with ${names(after.peerId)}` : ""
  if (!before) return `added: ${after.kind} via ${after.adapterType}, ${after.type}${peer}`
  if (before.type !== after.type) return `${before.type} → ${after.type}${peer}`
  if (before.peerId !== after.peerId) return `peer ${before.peerId ?? "—"} → ${after.peerId ?? "—"}`
  return undefined
}

function documentChange(before: DocSummary | undefined, after: DocSummary): string | undefined {
  if (!before) return `added at ${formatVersion(after.version)}`
  const changes: string[] = []
  if (formatVersion(before.version) !== formatVersion(after.version))
    changes.push(`version ${formatVersion(before.version)} → ${formatVersion(after.version)}`)
  if (JSON.stringify(before.readyStates) !== JSON.stringify(after.readyStates)) changes.push("ready states changed")
  return changes.length > 0 ? changes.join(", ") : undefined
}

export function modelChanges(before: ModelSnapshot, delta: ModelDelta | undefined, names: PeerNames): ModelChange[] {
  const changes: ModelChange[] = []
  // The delta is page data: the same checks as when the reducer applies it.
  const peers = peersOf(delta?.peers)
  const channels = channelsOf(delta?.channels)
  const documents = documentsOf(delta?.documents)
  if (peers) {
    const old = new Map(before.peers.map(peer => [peer.identity.peerId, peer]))
    for (const peer of peers) {
      const id = peer.identity.peerId
      for (const change of peerChanges(old.get(id), peer)) changes.push({ part: "peer", id, change })
      old.delete(id)
    }
    for (const id of old.keys()) changes.push({ part: "peer", id, change: "removed from the model" })
  }
  if (channels) {
    const old = new Map(before.channels.map(channel => [channel.channelId, channel]))
    for (const channel of channels) {
      const change = channelChange(old.get(channel.channelId), channel, names)
      if (change) changes.push({ part: "channel", id: String(channel.channelId), change })
      old.delete(channel.channelId)
    }
    for (const [id, channel] of old)
      changes.push({ part: "channel", id: String(id), change: `removed (${channel.kind} via ${channel.adapterType})` })
  }
  if (documents) {
    const old = new Map(before.documents.map(doc => [doc.docId, doc]))
    for (const doc of documents) {
      const change = documentChange(old.get(doc.docId), doc)
      if (change) changes.push({ part: "document", id: doc.docId, change })
      old.delete(doc.docId)
    }
    for (const id of old.keys()) changes.push({ part: "document", id, change: "removed" })
  }
  return changes
}
