/**
 * Names for peer ids across every repo of the page, so the log can say
 * "hub" and "alice" instead of 20-digit ids: a repo's own identity, the
 * identities its model learned in handshakes, and a `name` in a peer's own
 * presence value. Rebuilt when the state changes (repos × peers is small).
 */
import type { PanelState } from "../state/panel-state"
import { shortId } from "../values/format"
import { isWireObject } from "../values/summary"

export interface PeerDirectory {
  /** A display name; the shortened id when none is known. */
  name(peerId: string): string
  has(peerId: string): boolean
  /** Every known peer, named ones first, then by name. */
  readonly peers: ReadonlyArray<{ peerId: string; name: string }>
  /** Document ids across repos: rooms and the model's documents. */
  readonly docIds: readonly string[]
}

export function peerDirectory(state: PanelState): PeerDirectory {
  const names = new Map<string, string | undefined>()
  const docIds = new Set<string>()
  const learn = (peerId: string, name: unknown) => {
    if (typeof name === "string" && name !== "" && names.get(peerId) === undefined) names.set(peerId, name)
    else if (!names.has(peerId)) names.set(peerId, undefined)
  }
  for (const repo of state.repos.values()) {
    learn(repo.info.peerId, repo.info.name ?? repo.info.label)
    for (const peer of repo.model.peers) learn(peer.identity.peerId, peer.identity.name)
    for (const doc of repo.model.documents) docIds.add(doc.docId)
    for (const room of repo.rooms.values()) {
      docIds.add(room.docId)
      for (const peerId of room.members.keys()) learn(peerId, undefined)
      for (const entries of room.namespaces.values()) {
        for (const [key, entry] of entries) if (names.has(key) && isWireObject(entry.value)) learn(key, entry.value.name)
      }
    }
  }
  const name = (peerId: string) => names.get(peerId) ?? shortId(peerId)
  const peers = [...names.keys()]
    .map(peerId => ({ peerId, name: name(peerId), named: names.get(peerId) !== undefined }))
    .sort((a, b) => Number(b.named) - Number(a.named) || a.name.localeCompare(b.name))
    .map(({ peerId, name }) => ({ peerId, name }))
  return { name, has: peerId => names.has(peerId), peers, docIds: [...docIds].sort() }
}

/** Whether two directories say the same: views keep the old one so rows that use it do not re-render. */
export function sameDirectory(a: PeerDirectory, b: PeerDirectory): boolean {
  if (a.peers.length !== b.peers.length || a.docIds.length !== b.docIds.length) return false
  for (let index = 0; index < a.peers.length; index++) {
    if (a.peers[index]!.peerId !== b.peers[index]!.peerId || a.peers[index]!.name !== b.peers[index]!.name) return false
  }
  return a.docIds.every((docId, index) => docId === b.docIds[index])
}
