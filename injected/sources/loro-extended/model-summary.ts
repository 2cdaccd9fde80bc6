/**
 * A JSON view of `synchronizer.model`, converted by hand (structuredClone
 * throws on its functions and LoroDocs): Maps and Sets become arrays,
 * VersionVectors `{peer: counter}`, Dates ms, LoroDocs their version.
 * Keys with no value are left out rather than set to undefined: the relay
 * refuses undefined anywhere in a batch.
 */
import type {
  ChannelSummary,
  DocSummary,
  DocSyncStateSummary,
  IdentitySummary,
  ModelDelta,
  ModelSnapshot,
  PeerSummary,
} from "../../../protocol/messages"
import { docVersion, serializeRepoValue, versionVectorToObject } from "./loro-values"
import { asModel, read, type ModelLike } from "./repo-shape"

export function summarizeModel(model: unknown, readyStates: unknown): ModelSnapshot {
  const parsed = asModel(model)
  return {
    identity: summarizeIdentity(read(model, "identity")),
    peers: parsed ? summarizePeers(parsed.peers) : [],
    channels: parsed ? summarizeChannels(parsed.channels) : [],
    documents: parsed ? summarizeDocuments(parsed.documents, readyStates) : [],
  }
}

/**
 * What a message replaced, by identity of the top-level maps. Documents are
 * summarised now (a LoroDoc changes in place); channels and peers are
 * immutable model data, so they are summarised later, at flush time.
 */
export function captureDelta(before: unknown, after: unknown, readyStates: unknown): () => ModelDelta {
  const previous = asModel(before)
  const next = asModel(after)
  if (!next) return () => ({})
  const changed = (key: keyof ModelLike) => previous?.[key] !== next[key]
  const documents = changed("documents") ? summarizeDocuments(next.documents, readyStates) : undefined
  const channels = changed("channels") ? next.channels : undefined
  const peers = changed("peers") ? next.peers : undefined
  return () => ({
    ...(peers ? { peers: summarizePeers(peers) } : {}),
    ...(channels ? { channels: summarizeChannels(channels) } : {}),
    ...(documents ? { documents } : {}),
  })
}

export function summarizeIdentity(identity: unknown): IdentitySummary {
  const peerId = read(identity, "peerId")
  const name = read(identity, "name")
  const type = read(identity, "type")
  return {
    peerId: typeof peerId === "string" ? peerId : String(peerId ?? ""),
    ...(typeof name === "string" ? { name } : {}),
    type: typeof type === "string" ? type : "user",
  }
}

function summarizePeers(peers: Map<unknown, unknown>): PeerSummary[] {
  const result: PeerSummary[] = []
  for (const peer of peers.values()) {
    result.push({
      identity: summarizeIdentity(read(peer, "identity")),
      channels: numbersOf(read(peer, "channels")),
      subscriptions: stringsOf(read(peer, "subscriptions")),
      docSyncStates: summarizeSyncStates(read(peer, "docSyncStates")),
    })
  }
  return result
}

function summarizeSyncStates(states: unknown): DocSyncStateSummary[] {
  if (!(states instanceof Map)) return []
  const result: DocSyncStateSummary[] = []
  for (const [docId, state] of states) {
    const status = read(state, "status")
    const version = versionVectorToObject(read(state, "lastKnownVersion"))
    const updated = read(state, "lastUpdated")
    result.push({
      docId: String(docId),
      status: typeof status === "string" ? status : "unknown",
      ...(version ? { lastKnownVersion: version } : {}),
      ...(updated instanceof Date && !Number.isNaN(updated.getTime()) ? { lastUpdated: updated.getTime() } : {}),
    })
  }
  return result
}

function summarizeChannels(channels: Map<unknown, unknown>): ChannelSummary[] {
  const result: ChannelSummary[] = []
  for (const [channelId, channel] of channels) {
    const peerId = read(channel, "peerId")
    result.push({
      channelId: Number(channelId),
      type: String(read(channel, "type") ?? "connected"),
      kind: String(read(channel, "kind") ?? "other"),
      adapterType: String(read(channel, "adapterType") ?? ""),
      ...(typeof peerId === "string" ? { peerId } : {}),
    })
  }
  return result
}

function summarizeDocuments(documents: Map<unknown, unknown>, readyStates: unknown): DocSummary[] {
  const result: DocSummary[] = []
  for (const [docId, state] of documents) {
    let version: Record<string, number> = {}
    try {
      version = docVersion(read(state, "doc")) ?? {}
    } catch {
      // A freed or foreign doc: an empty version is still a truthful "unknown".
    }
    const ready = readyStates instanceof Map ? readyStates.get(docId) : undefined
    result.push({
      docId: String(docId),
      version,
      ...(ready === undefined ? {} : { readyStates: serializeRepoValue(ready) }),
    })
  }
  return result
}

function numbersOf(value: unknown): number[] {
  return value instanceof Set ? Array.from(value, Number).filter(Number.isFinite) : []
}

function stringsOf(value: unknown): string[] {
  return value instanceof Set ? Array.from(value, String) : []
}
