/**
 * The sync inspector's tables, from a repo's model: one row per document
 * and peer (sync status, subscription, last known version, ready state) and
 * one per channel (kind, adapter, established). In loro-extended 5.x the
 * sync state is `peers[p].docSyncStates`, the subscription is
 * `peers[p].subscriptions`, and ready states are the synchronizer's per
 * document list (the local repo included, as storage readiness).
 */
import type { WireValue } from "../../../protocol/messages"
import type { RepoState } from "../../state/panel-state"
import { simulatedIds } from "../../state/simulation"
import { isWireObject } from "../../values/summary"

export interface ReadySummary {
  status: string
  /** "network established via ws" for each of the peer's channels. */
  channels: string
}

export interface SyncRow {
  docId: string
  peerId: string
  name?: string
  isSelf: boolean
  /**
   * unknown / absent / pending / synced; for the repo itself, its own ready
   * status; "disconnected" for a peer with no channel left, whatever the
   * repo last knew of it (that is in `lastStatus`).
   */
  status: string
  /** The repo's last sync status for a peer that is no longer connected. */
  lastStatus?: string
  /** A peer the Simulate view added: it answers sync requests "unavailable", so "absent" is expected. */
  simulated: boolean
  subscribed: boolean
  lastKnownVersion?: Readonly<Record<string, number>>
  /** automerge-repo: the heads the peer's last sync message told; for this repo, the document's own heads. */
  lastKnownHeads?: readonly string[]
  lastUpdated?: number
  /** Whether the peer has a channel now (disconnected peers stay in the model). */
  connected: boolean
  ready?: ReadySummary
}

export interface ChannelRow {
  channelId: number
  kind: string
  adapterType: string
  type: string
  established: boolean
  peerId?: string
}

function readyStatesOf(value: WireValue | undefined): Map<string, ReadySummary> {
  const found = new Map<string, ReadySummary>()
  for (const state of Array.isArray(value) ? value : []) {
    if (!isWireObject(state) || !isWireObject(state.identity) || typeof state.identity.peerId !== "string") continue
    const channels = (Array.isArray(state.channels) ? state.channels : [])
      .filter(isWireObject)
      .map(channel => `${String(channel.kind ?? "?")} ${String(channel.state ?? "?")} via ${String(channel.adapterType ?? "?")}`)
      .join(", ")
    found.set(state.identity.peerId, { status: String(state.status ?? "unknown"), channels })
  }
  return found
}

export function documentIds(repo: RepoState): string[] {
  const ids = new Set<string>(repo.model.documents.map(doc => doc.docId))
  for (const peer of repo.model.peers) {
    for (const docId of peer.subscriptions) ids.add(docId)
    for (const state of peer.docSyncStates) if (typeof state.docId === "string") ids.add(state.docId)
  }
  return [...ids].sort()
}

export function syncRows(repo: RepoState): SyncRow[] {
  const rows: SyncRow[] = []
  const self = repo.info.peerId
  const simulated = simulatedIds(repo)
  for (const docId of documentIds(repo)) {
    const document = repo.model.documents.find(doc => doc.docId === docId)
    const ready = readyStatesOf(document?.readyStates)
    const own = ready.get(self)
    rows.push({
      docId,
      peerId: self,
      name: repo.info.name ?? repo.info.label,
      isSelf: true,
      status: own?.status ?? "—",
      simulated: false,
      subscribed: false,
      ...(Array.isArray(document?.heads) ? { lastKnownHeads: document.heads } : {}),
      connected: true,
      ready: own,
    })
    for (const peer of repo.model.peers) {
      const peerId = peer.identity.peerId
      if (peerId === self) continue
      const state = peer.docSyncStates.find(s => s.docId === docId)
      const connected = peer.channels.length > 0
      const known = state?.status ?? "unknown"
      rows.push({
        docId,
        peerId,
        name: peer.identity.name,
        isSelf: false,
        // A gone hub keeps "synced" in the repo's model: it is not in sync with anything now.
        status: connected ? known : "disconnected",
        ...(connected ? {} : { lastStatus: known }),
        simulated: simulated.has(peerId),
        subscribed: peer.subscriptions.includes(docId),
        lastKnownVersion: state?.lastKnownVersion,
        ...(Array.isArray(state?.lastKnownHeads) ? { lastKnownHeads: state.lastKnownHeads } : {}),
        lastUpdated: state?.lastUpdated,
        connected,
        // The repo keeps a gone peer's last ready state ("synced", no channels): it is not ready now.
        ready: connected ? ready.get(peerId) : ready.has(peerId) ? { status: "disconnected", channels: "" } : undefined,
      })
    }
  }
  return rows
}

export function channelRows(repo: RepoState): ChannelRow[] {
  return repo.model.channels
    .map(channel => ({
      channelId: channel.channelId,
      kind: String(channel.kind),
      adapterType: String(channel.adapterType),
      type: String(channel.type),
      established: channel.type === "established",
      ...(typeof channel.peerId === "string" ? { peerId: channel.peerId } : {}),
    }))
    .sort((a, b) => a.channelId - b.channelId)
}
