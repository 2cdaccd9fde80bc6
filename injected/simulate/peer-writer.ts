/**
 * Gets simulated peers' values (and deletions) into the app's repo: collects
 * what is dirty, writes it as frames from the delivery queue, and records on
 * each peer whether its data landed.
 */
import type { JsonValue } from "../../protocol/simulate"
import type { EngineClock } from "./clock"
import type { DeliveryQueue } from "./delivery-queue"
import { type FrameStats, type PendingEntry, TOMBSTONE_LEAD_MS, type WriteResult, writeFrames } from "./frame-writer"
import type { RepoAccess } from "./repo-access"
import type { SimulatedAdapter, SimulatedChannelOwner } from "./simulated-adapter"
import type { SimulatedPeer } from "./simulated-peer"

export interface PeerWriterDeps {
  access: RepoAccess
  queue: DeliveryQueue
  clock: EngineClock
  peers(): Iterable<SimulatedPeer>
  adapter(): SimulatedAdapter | undefined
  /** The channel the peers arrive on. */
  relay(): SimulatedChannelOwner | undefined
  /** A peer's `error` changed. */
  changed(): void
  /** A failure not tied to one peer. */
  failed(message: string): void
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export class PeerWriter {
  readonly stats: FrameStats = { frames: 0, entries: 0, resent: 0, refused: 0 }
  readonly #deps: PeerWriterDeps
  #flushQueued = false

  constructor(deps: PeerWriterDeps) {
    this.#deps = deps
  }

  /** Writes what changed, after whatever is already queued (handshakes first). */
  flushSoon(): void {
    if (this.#flushQueued) return
    this.#flushQueued = true
    this.#deps.queue.push(() => {
      this.#flushQueued = false
      this.#flush()
    })
  }

  /** Writes a tombstone for every entry the peers ever wrote. Call from inside the delivery queue. */
  deleteEntries(targets: readonly SimulatedPeer[]): void {
    const tombstones: PendingEntry[] = []
    for (const peer of targets) {
      for (const namespace of peer.written) tombstones.push({ peer, namespace, value: undefined })
    }
    const result = this.#write(tombstones, TOMBSTONE_LEAD_MS)
    for (const { error } of result?.failed ?? []) this.#deps.failed(`Deleting simulated entries failed: ${errorText(error)}`)
  }

  #write(entries: PendingEntry[], leadMs = 0): WriteResult | undefined {
    const adapter = this.#deps.adapter()
    const relay = this.#deps.relay()
    if (entries.length === 0 || !adapter || !relay) return undefined
    const { access, clock } = this.#deps
    return writeFrames(entries, {
      leadMs,
      adapter,
      relay,
      clock,
      store: access.store,
      canVerify: access.appliesSynchronously,
      stats: this.stats,
    })
  }

  #flush(): void {
    const entries: PendingEntry[] = []
    for (const peer of this.#deps.peers()) {
      if (peer.state !== "live" || peer.dirty.size === 0) continue
      for (const namespace of peer.dirty) {
        const value: JsonValue | undefined = peer.valueOf(namespace)
        entries.push({ peer, namespace, value })
        peer.unstarted.delete(namespace)
        if (value === undefined) peer.written.delete(namespace)
        else peer.written.add(namespace)
      }
      peer.dirty.clear()
    }
    const result = this.#write(entries)
    if (result) this.#record(entries, result)
  }

  /** Peer errors: set for entries that did not land, cleared for peers whose entries all did. */
  #record(entries: readonly PendingEntry[], { refused, failed }: WriteResult): void {
    const troubled = new Set<SimulatedPeer>()
    for (const entry of refused) {
      // Left dirty: the next flush tries again with a newer timestamp.
      entry.peer.dirty.add(entry.namespace)
      entry.peer.error = `The app kept a newer "${entry.namespace}" entry for this peer; retrying.`
      troubled.add(entry.peer)
    }
    for (const { entries: lost, error } of failed) {
      for (const entry of lost) {
        entry.peer.error = `The repo rejected this peer's data: ${errorText(error)}`
        troubled.add(entry.peer)
      }
    }
    let changed = troubled.size > 0
    for (const { peer } of entries) {
      if (peer.error !== undefined && !troubled.has(peer)) {
        peer.error = undefined
        changed = true
      }
    }
    if (changed) this.#deps.changed()
  }
}
