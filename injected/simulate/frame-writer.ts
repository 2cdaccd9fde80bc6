/**
 * Turns pending values into `channel/ephemeral` frames and hands them to the
 * repo, the way a hub would: ONE frame per document and visibility per
 * flush, one store item per namespace, each a single encoded blob holding an
 * entry per peer (the repo applies each `stores[i].data` with one
 * `store.apply`). The frame arrives on the relay's channel, and names the
 * relay as `stores[i].peerId` (the relayer, as a hub's frames name the hub);
 * entries are keyed by each subject's own peer id.
 *
 * After delivery it reads the app's store back: an entry can lose against a
 * newer timestamp the store already holds for that key (the app's heartbeat
 * re-stamps every key with its own clock; a hub's clock may run ahead). The
 * engine clock is then moved past that timestamp and the entry sent again.
 */
import type { ChannelMsgEphemeral, EphemeralStoreData } from "@loro-extended/repo"
import type { JsonValue, SimulatedVisibility } from "../../protocol/simulate"
import { decodeEphemeralStore } from "../../codec/loro-ephemeral/ephemeral-codec"
import { type EncodableEntry, encodeEphemeralEntries } from "../../codec/loro-ephemeral/ephemeral-encoder"
import type { EngineClock } from "./clock"
import { sameJson } from "./json-value"
import type { StoreReader } from "./repo-access"
import type { SimulatedAdapter, SimulatedChannelOwner } from "./simulated-adapter"
import type { SimulatedPeer } from "./simulated-peer"

/**
 * Network-wide frames must survive two relays: the app forwards with one hop
 * less to the hub, the hub with one less again to every other spoke. Local
 * frames have none: the app applies them and forwards nothing.
 */
export const NETWORK_HOPS = 2
export const LOCAL_HOPS = 0

/**
 * How far ahead of the engine's clock a removed peer's tombstones are
 * stamped. Every repo re-stamps the keys it holds on its heartbeat (touch)
 * and re-sends them; a re-stamp made while a tombstone is on its way (or by
 * a peer whose clock runs ahead) would be newer than the tombstone, refuse
 * it, and bring the peer back everywhere on the next heartbeat. A removed
 * peer's id is never written again, so a future tombstone blocks nothing.
 */
export const TOMBSTONE_LEAD_MS = 60_000

/** One namespace of one peer to write: its value, or undefined to delete the entry. */
export interface PendingEntry {
  peer: SimulatedPeer
  namespace: string
  value: JsonValue | undefined
}

export interface FrameStats {
  frames: number
  entries: number
  /** Entries sent again after losing to a newer timestamp in the app's store. */
  resent: number
  /** Entries the app's store still refused after the resend. */
  refused: number
}

export interface FrameWriterDeps {
  /** Added to every timestamp of these frames (see TOMBSTONE_LEAD_MS). */
  leadMs?: number
  adapter: SimulatedAdapter
  /** The channel frames arrive on, and the relayer they name. */
  relay: SimulatedChannelOwner
  clock: EngineClock
  store(docId: string, namespace: string): StoreReader | undefined
  /** False when the repo runs middleware: it applies frames later, so reading back proves nothing. */
  canVerify(): boolean
  stats: FrameStats
}

export interface WriteResult {
  /** Entries the app's store refused even after a resend. */
  refused: PendingEntry[]
  /** Groups whose delivery threw inside the repo. */
  failed: Array<{ entries: PendingEntry[]; error: unknown }>
}

/** Delivers every entry, one frame per document and visibility. */
export function writeFrames(entries: readonly PendingEntry[], deps: FrameWriterDeps): WriteResult {
  const groups = new Map<string, PendingEntry[]>()
  for (const entry of entries) {
    const key = `${entry.peer.visibility}\u0000${entry.peer.docId}`
    const group = groups.get(key)
    if (group) group.push(entry)
    else groups.set(key, [entry])
  }
  const result: WriteResult = { refused: [], failed: [] }
  for (const group of groups.values()) {
    try {
      let lost = deliverGroup(group, deps)
      if (lost.length > 0) {
        deps.stats.resent += lost.length
        lost = deliverGroup(lost, deps)
        deps.stats.refused += lost.length
        result.refused.push(...lost)
      }
    } catch (error) {
      // The repo throws synchronously on data it cannot apply; other groups still go out.
      result.failed.push({ entries: group, error })
    }
  }
  return result
}

/** One frame for entries that share a document and visibility; returns the entries that did not land. */
function deliverGroup(group: readonly PendingEntry[], deps: FrameWriterDeps): PendingEntry[] {
  const { docId, visibility } = group[0]!.peer
  const timestamp = deps.clock.next() + (deps.leadMs ?? 0)
  const byNamespace = new Map<string, EncodableEntry[]>()
  for (const { peer, namespace, value } of group) {
    const entry: EncodableEntry = value === undefined ? { key: peer.id, timestamp, deleted: true } : { key: peer.id, timestamp, value }
    const list = byNamespace.get(namespace)
    if (list) list.push(entry)
    else byNamespace.set(namespace, [entry])
  }
  const stores: EphemeralStoreData[] = []
  for (const [namespace, list] of byNamespace) {
    stores.push({ peerId: deps.relay.peerId as EphemeralStoreData["peerId"], namespace, data: encodeEphemeralEntries(list) })
  }
  const frame: ChannelMsgEphemeral = {
    type: "channel/ephemeral",
    docId,
    hopsRemaining: hopsFor(visibility),
    stores,
  }
  deps.adapter.deliver(deps.relay.channelId, frame)
  deps.stats.frames++
  deps.stats.entries += group.length
  return deps.canVerify() ? group.filter(entry => !landed(entry, deps)) : []
}

export function hopsFor(visibility: SimulatedVisibility): number {
  return visibility === "network" ? NETWORK_HOPS : LOCAL_HOPS
}

function landed({ peer, namespace, value }: PendingEntry, deps: FrameWriterDeps): boolean {
  const store = deps.store(peer.docId, namespace)
  if (!store) return false
  const current = store.get(peer.id)
  const ok = value === undefined ? current === undefined : sameJson(current, value)
  if (!ok) {
    try {
      const [held] = decodeEphemeralStore(store.encode(peer.id))
      if (held) deps.clock.observe(held.timestamp)
    } catch {
      // Unreadable: the resend still goes out with a fresh timestamp.
    }
  }
  return ok
}
