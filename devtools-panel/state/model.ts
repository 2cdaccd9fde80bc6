/**
 * The repo model as the panel keeps it. Snapshots and deltas come from the
 * page, so every part is checked once here and the rest of the panel can
 * rely on the shapes (arrays of records, string ids).
 */
import type { ChannelSummary, DocSummary, IdentitySummary, ModelSnapshot, PeerSummary } from "../../protocol/messages"

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === "number") : []
}

export function peersOf(value: unknown): PeerSummary[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.flatMap((peer): PeerSummary[] => {
    if (!isRecord(peer) || !isRecord(peer.identity) || typeof peer.identity.peerId !== "string") return []
    const docSyncStates = Array.isArray(peer.docSyncStates) ? peer.docSyncStates.filter(isRecord) : []
    return [
      {
        identity: peer.identity as unknown as IdentitySummary,
        channels: numbers(peer.channels),
        subscriptions: strings(peer.subscriptions),
        docSyncStates: docSyncStates as unknown as PeerSummary["docSyncStates"],
      },
    ]
  })
}

export function channelsOf(value: unknown): ChannelSummary[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.filter((channel): channel is ChannelSummary => isRecord(channel) && typeof channel.channelId === "number")
}

export function documentsOf(value: unknown): DocSummary[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.filter((doc): doc is DocSummary => isRecord(doc) && typeof doc.docId === "string")
}

/** A registration's snapshot; the identity falls back to what the repo info says. */
export function modelOf(snapshot: unknown, fallbackIdentity: IdentitySummary): ModelSnapshot {
  const parts = isRecord(snapshot) ? snapshot : {}
  return {
    identity: isRecord(parts.identity) ? (parts.identity as unknown as IdentitySummary) : fallbackIdentity,
    peers: peersOf(parts.peers) ?? [],
    channels: channelsOf(parts.channels) ?? [],
    documents: documentsOf(parts.documents) ?? [],
  }
}
