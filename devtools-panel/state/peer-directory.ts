/**
 * Names for peer ids across the repos shown, so every view can say "hub"
 * and "alice" instead of 20-digit ids. A name comes from what the page
 * publishes: a repo's own identity, the identities its model learned in
 * handshakes, a simulated peer's name, and a `name` / `displayName` /
 * `user` field in a peer's own presence value. Rebuilt when the state
 * changes (repos × peers is small).
 */
import type { WireValue } from "../../protocol/messages"
import { shortId } from "../values/format"
import { isWireObject } from "../values/summary"
import type { RepoState } from "./panel-state"

export interface PeerDirectory {
  /** A display name; the shortened id when none is known. */
  name(peerId: string): string
  /** The name the page published for this peer, if any. */
  named(peerId: string): string | undefined
  has(peerId: string): boolean
  /** Every known peer, named ones first, then by name. */
  readonly peers: ReadonlyArray<{ peerId: string; name: string }>
  /** Document ids across repos: rooms and the model's documents. */
  readonly docIds: readonly string[]
}

/** Fields of a presence value that apps use for a person's name, in the order they are trusted. */
const NAME_FIELDS = ["name", "displayName", "user"] as const

/** The name a presence value publishes: `name`, `displayName`, or `user` (a string, or an object with one of those). */
export function nameInPresence(value: WireValue | undefined, depth = 0): string | undefined {
  if (!isWireObject(value)) return undefined
  for (const field of NAME_FIELDS) {
    const candidate = value[field]
    if (typeof candidate === "string" && candidate.trim() !== "") return candidate
    if (field === "user" && depth === 0) {
      const nested = nameInPresence(candidate, 1)
      if (nested !== undefined) return nested
    }
  }
  return undefined
}

export function peerDirectory(repos: Iterable<RepoState>): PeerDirectory {
  const names = new Map<string, string | undefined>()
  const docIds = new Set<string>()
  const learn = (peerId: string, name: unknown) => {
    if (typeof name === "string" && name !== "" && names.get(peerId) === undefined) names.set(peerId, name)
    else if (!names.has(peerId)) names.set(peerId, undefined)
  }
  for (const repo of repos) {
    learn(repo.info.peerId, repo.info.name ?? repo.info.label)
    for (const peer of repo.model.peers) learn(peer.identity.peerId, peer.identity.name)
    for (const peer of repo.simulation?.peers ?? []) learn(peer.id, peer.name)
    for (const doc of repo.model.documents) docIds.add(doc.docId)
    for (const room of repo.rooms.values()) {
      docIds.add(room.docId)
      for (const peerId of room.members.keys()) learn(peerId, undefined)
      for (const entries of room.namespaces.values()) {
        for (const [key, entry] of entries) if (names.has(key) && !entry.deleted) learn(key, nameInPresence(entry.value))
      }
    }
  }
  const named = (peerId: string) => names.get(peerId)
  const name = (peerId: string) => names.get(peerId) ?? shortId(peerId)
  const peers = [...names.keys()]
    .map(peerId => ({ peerId, name: name(peerId), named: names.get(peerId) !== undefined }))
    .sort((a, b) => Number(b.named) - Number(a.named) || a.name.localeCompare(b.name))
    .map(({ peerId, name }) => ({ peerId, name }))
  return { name, named, has: peerId => names.has(peerId), peers, docIds: [...docIds].sort() }
}

/** Whether two directories say the same: views keep the old one so rows that use it do not re-render. */
export function sameDirectory(a: PeerDirectory, b: PeerDirectory): boolean {
  if (a.peers.length !== b.peers.length || a.docIds.length !== b.docIds.length) return false
  for (let index = 0; index < a.peers.length; index++) {
    if (a.peers[index]!.peerId !== b.peers[index]!.peerId || a.peers[index]!.name !== b.peers[index]!.name) return false
  }
  return a.docIds.every((docId, index) => docId === b.docIds[index])
}

/** "alice (…12345678)" for tooltips: the name and the id it stands for. */
export function nameWithId(directory: PeerDirectory, peerId: string): string {
  const named = directory.named(peerId)
  return named === undefined ? peerId : `${named} (${peerId})`
}
