/**
 * The metadata of a recording: which repos and peers it holds, read from its
 * lines once at export, so a file says what is inside before anyone replays it.
 */
import { PROTOCOL_VERSION, type HookToPanelMessage, type RepoInfo, type StoreEntry, type WireValue } from "../../protocol/messages"
import { countLines } from "./encode"
import type { RecordedPeer, RecordedRepo, RecordingLine, RecordingMeta } from "./format"
import type { RecordedSession } from "./recorder"

function hookMessagesOf(line: RecordingLine): HookToPanelMessage[] {
  const messages = line.kind === "checkpoint" ? line.messages : line.kind === "message" ? [line.message] : []
  return messages.flatMap(message => (message.type === "background/page-batch" ? message.batch.messages : []))
}

function nameIn(value: WireValue | undefined): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  return typeof value.name === "string" ? value.name : undefined
}

class PeerIndex {
  readonly #peers = new Map<string, { name?: string; docIds: Set<string>; namespaces: Set<string> }>()

  add(docId: string, namespace: string, entry: StoreEntry, name?: string): void {
    if (typeof entry?.key !== "string") return
    let peer = this.#peers.get(entry.key)
    if (!peer) {
      peer = { docIds: new Set(), namespaces: new Set() }
      this.#peers.set(entry.key, peer)
    }
    peer.docIds.add(docId)
    peer.namespaces.add(namespace)
    peer.name ??= name ?? nameIn(entry.value)
  }

  name(peerId: string, name: string | undefined): void {
    const peer = this.#peers.get(peerId)
    if (peer && name) peer.name ??= name
  }

  list(): RecordedPeer[] {
    return [...this.#peers].map(([peerId, peer]) => ({
      peerId,
      ...(peer.name !== undefined ? { name: peer.name } : {}),
      docIds: [...peer.docIds],
      namespaces: [...peer.namespaces],
    }))
  }
}

export function summarize(lines: readonly RecordingLine[]): { repos: RecordedRepo[]; peers: RecordedPeer[] } {
  const repos = new Map<string, RepoInfo>()
  const peers = new PeerIndex()
  const identities = new Map<string, string>()
  for (const line of lines) {
    for (const message of hookMessagesOf(line)) {
      if (message.type === "repo/registered") {
        repos.set(message.repo.repoId, message.repo)
        for (const store of message.stores ?? []) for (const entry of store.entries ?? []) peers.add(store.docId, store.namespace, entry)
        for (const peer of message.snapshot?.peers ?? []) if (peer.identity?.name) identities.set(peer.identity.peerId, peer.identity.name)
        if (message.repo.name) identities.set(message.repo.peerId, message.repo.name)
      } else if (message.type === "repo/events") {
        for (const event of message.events) {
          if (event.kind === "store") for (const entry of event.entries ?? []) peers.add(event.docId, event.namespace, entry)
        }
      }
    }
  }
  for (const [peerId, name] of identities) peers.name(peerId, name)
  return {
    repos: [...repos.values()].map(info => ({
      repoId: info.repoId,
      label: info.label,
      peerId: info.peerId,
      libraryVersion: info.libraryVersion,
    })),
    peers: peers.list(),
  }
}

export function metaFor(session: RecordedSession, extensionVersion: string): RecordingMeta {
  const { repos, peers } = summarize(session.lines)
  return {
    kind: "meta",
    app: "ephemera-devtools",
    extensionVersion,
    protocol: PROTOCOL_VERSION,
    libraryVersions: [...new Set(repos.map(repo => repo.libraryVersion))],
    origin: session.origin,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    repos,
    peers,
    redacted: false,
    acrossReloads: session.acrossReloads,
    counts: countLines(session.lines),
  }
}
