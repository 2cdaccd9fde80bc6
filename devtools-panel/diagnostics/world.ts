/**
 * What every detector needs to know about the repos, kept once: who they
 * are, their channels and peers, what each store holds per key, and the
 * names people go by. The engine updates it AFTER the detectors have seen an
 * event, so a detector reads the state before the event it is judging.
 */
import type { ChannelSummary, PeerSummary, StoreEntry, WireValue } from "../../protocol/messages"
import type { PeerRef } from "./finding"
import type { DiagnosticEvent, RepoIdentity } from "./input"

export interface Held {
  readonly value?: WireValue
  readonly deleted: boolean
  readonly timestamp?: number
  /** How the current value arrived: local write, import, or a registration snapshot. */
  readonly by: "local" | "import" | "timeout" | "snapshot"
  /** The event time it arrived. */
  readonly at: number
}

export interface RepoFacts {
  readonly identity: RepoIdentity
  channels: ReadonlyMap<number, ChannelSummary>
  peers: readonly PeerSummary[]
  /** storeKey(docId, namespace) -> key -> entry. */
  readonly held: Map<string, Map<string, Held>>
  /** Peers this page simulates (the Simulate view's): not the app's own traffic. */
  simulated: ReadonlySet<string>
}

export function storeKey(docId: string, namespace: string): string {
  return `${docId}\u001f${namespace}`
}

export function splitStoreKey(key: string): { docId: string; namespace: string } {
  const at = key.indexOf("\u001f")
  return { docId: key.slice(0, at), namespace: key.slice(at + 1) }
}

function nameIn(value: WireValue | undefined): string | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.name === "string" && value.name !== ""
    ? value.name
    : undefined
}

export class World {
  readonly repos = new Map<string, RepoFacts>()
  readonly #names = new Map<string, string>()

  repo(repoId: string): RepoFacts | undefined {
    return this.repos.get(repoId)
  }

  held(repoId: string, docId: string, namespace: string, key: string): Held | undefined {
    return this.repos.get(repoId)?.held.get(storeKey(docId, namespace))?.get(key)
  }

  /** One store's entries by key (for reading many keys of one store). */
  storeOf(repoId: string, docId: string, namespace: string): ReadonlyMap<string, Held> | undefined {
    return this.repos.get(repoId)?.held.get(storeKey(docId, namespace))
  }

  /** A peer as findings name it: its presence or member name when known. */
  peer(peerId: string): PeerRef {
    const name = this.#names.get(peerId)
    return name === undefined ? { peerId } : { peerId, name }
  }

  /** A key of a peer this page simulates (the detectors leave those alone). */
  isSimulated(repoId: string, key: string): boolean {
    return this.repos.get(repoId)?.simulated.has(key) === true
  }

  label(repoId: string): string {
    return this.repos.get(repoId)?.identity.label ?? repoId
  }

  /** Updates the facts with one event (after the detectors judged it). */
  apply(event: DiagnosticEvent): void {
    switch (event.type) {
      case "repo": {
        const held = new Map<string, Map<string, Held>>()
        for (const store of event.stores) {
          const keys = new Map<string, Held>()
          for (const entry of store.entries) keys.set(entry.key, heldOf(entry, "snapshot", event.t))
          held.set(storeKey(store.docId, store.namespace), keys)
          this.#learnNames(store.entries)
        }
        const simulated = this.repos.get(event.repo.repoId)?.simulated ?? new Set<string>()
        this.repos.set(event.repo.repoId, {
          identity: event.repo,
          channels: channelMap(event.channels),
          peers: event.peers,
          held,
          simulated,
        })
        this.#learnName(event.repo.peerId, event.repo.name ?? event.repo.label)
        this.#learnPeers(event.peers)
        return
      }
      case "repo-gone":
        this.repos.delete(event.repoId)
        return
      case "simulated": {
        const repo = this.repos.get(event.repoId)
        if (repo) repo.simulated = new Set(event.peerIds)
        return
      }
      case "model": {
        const repo = this.repos.get(event.repoId)
        if (!repo) return
        if (event.channels) repo.channels = channelMap(event.channels)
        if (event.peers) {
          repo.peers = event.peers
          this.#learnPeers(event.peers)
        }
        return
      }
      case "store": {
        const repo = this.repos.get(event.repoId)
        if (!repo) return
        const id = storeKey(event.docId, event.namespace)
        let keys = repo.held.get(id)
        if (!keys) {
          keys = new Map()
          repo.held.set(id, keys)
        }
        for (const entry of event.entries) keys.set(entry.key, heldOf(entry, event.by, event.t))
        this.#learnNames(event.entries)
        return
      }
      default:
    }
  }

  #learnNames(entries: readonly StoreEntry[]): void {
    for (const entry of entries) {
      const name = entry.deleted ? undefined : nameIn(entry.value)
      if (name) this.#names.set(entry.key, name)
    }
  }

  #learnPeers(peers: readonly PeerSummary[]): void {
    for (const peer of peers) this.#learnName(peer.identity.peerId, peer.identity.name)
  }

  /** A presence name wins over an identity name: it is what the app shows. */
  #learnName(peerId: string, name: string | undefined): void {
    if (name && !this.#names.has(peerId)) this.#names.set(peerId, name)
  }
}

/** One shape for every entry (no optional spreads): this runs for every key of every heartbeat. */
function heldOf(entry: StoreEntry, by: Held["by"], at: number): Held {
  const deleted = entry.deleted === true
  return {
    value: deleted ? undefined : (entry.value ?? null),
    deleted,
    timestamp: typeof entry.timestamp === "number" ? entry.timestamp : undefined,
    by,
    at,
  }
}

function channelMap(channels: readonly ChannelSummary[]): Map<number, ChannelSummary> {
  return new Map(channels.map(channel => [channel.channelId, channel]))
}
