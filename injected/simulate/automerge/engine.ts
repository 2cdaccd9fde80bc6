/**
 * Simulated peers for an automerge-repo Repo, behind the same
 * SimulationEngine interface as loro-extended's. Each peer speaks Presence's
 * own protocol (presence-messages.ts), through a network adapter the hook adds
 * or its own connection to the sync server (peer-links.ts): a snapshot of its channels when it arrives, an update
 * per changed channel, heartbeats while it lives, a goodbye when it leaves.
 * The app's Presence sees it as it sees a person behind the sync server.
 *
 * Visibility: a local peer's messages come in through the relay and are
 * dropped from the repo's outbound traffic (everything but what goes back to
 * the relay). A network-wide peer joins the app's WebSocket sync server on a
 * connection of its own (peer-links.ts says why and when).
 */
import type { SimulatedPeerInfo } from "../../../protocol/simulate"
import { SimulationError } from "../errors"
import { createChannelIdSource } from "../ids"
import { wrapMethod, type MethodWrap } from "../method-wrap"
import type { SimulationEngine } from "../engine"
import { SimulatedPeer } from "../simulated-peer"
import { validatePatch, validatePeerSpecs } from "../spec-validation"
import { TickScheduler } from "../tick-scheduler"
import { accessAutomergeRepo } from "./automerge-access"
import { PeerLinks } from "./peer-links"
import { PresenceSender } from "./presence-messages"
import { watchNewcomers } from "./presence-watch"

/** Below automerge's own default (15 s) and far below its peer TTL (45 s): a paused peer must not be pruned. */
export const SIMULATED_HEARTBEAT_MS = 5_000

export function createAutomergeSimulationEngine(repo: unknown): SimulationEngine {
  const access = accessAutomergeRepo(repo)
  const peers = new Map<string, SimulatedPeer>()
  const senders = new Map<string, PresenceSender>()
  const hidden = new Set<string>()
  const listeners = new Set<(peers: SimulatedPeerInfo[]) => void>()
  const stats = { frames: 0, entries: 0, resent: 0, refused: 0 }
  let ticks = 0
  let lastError: string | undefined
  let guard: MethodWrap | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let disposing: Promise<void> | undefined
  /** Per document with simulated peers: the watch for newcomers to announce them to. */
  const watches = new Map<string, () => void>()

  const list = () => Array.from(peers.values(), peer => peer.info())
  const emitChange = () => {
    const snapshot = list()
    for (const listener of listeners) {
      try {
        listener(snapshot)
      } catch (error) {
        lastError = errorText(error)
      }
    }
  }

  /** Sends what changed for every live peer whose link is up: a snapshot first, then updates. */
  const flush = () => {
    for (const peer of peers.values()) {
      if (peer.state !== "live" || (peer.dirty.size === 0 && peer.written.size > 0)) continue
      const deliver = links.deliverFor(peer.id)
      if (!deliver) continue
      const sender = senders.get(peer.id)!
      try {
        const sent = sender.sendChanges(peer, deliver)
        stats.frames += sent
        stats.entries += sent
        peer.error = undefined
      } catch (error) {
        peer.error = `The repo rejected this peer's message: ${errorText(error)}`
      }
      peer.dirty.clear()
    }
  }

  /** As a Presence does for a peer it hears first: every simulated peer of the document sends its snapshot. */
  const answerNewcomer = (docId: string) => {
    for (const peer of peers.values()) if (peer.docId === docId && peer.state === "live") senders.get(peer.id)?.reannounce(peer)
    flush()
  }

  const followDocuments = () => {
    const docs = new Set(Array.from(peers.values(), peer => peer.docId))
    for (const [docId, stop] of watches) {
      if (docs.has(docId)) continue
      stop()
      watches.delete(docId)
    }
    for (const docId of docs) {
      if (!watches.has(docId))
        watches.set(
          docId,
          watchNewcomers(
            access.handle(docId),
            id => peers.has(id),
            () => answerNewcomer(docId),
          ),
        )
    }
  }

  const goLive = (peer: SimulatedPeer) => {
    if (peer.state === "connecting") peer.state = "live"
  }

  const links: PeerLinks = new PeerLinks(
    access,
    {
      relayReady() {
        for (const peer of peers.values()) if (links.deliverFor(peer.id)) goLive(peer)
        flush()
        reschedule()
        emitChange()
      },
      upstreamReady(peerId) {
        const peer = peers.get(peerId)
        if (!peer) return
        goLive(peer)
        // After a reconnect the others may have pruned it: arrive again with everything.
        senders.get(peerId)?.reannounce(peer)
        flush()
        reschedule()
        emitChange()
      },
      upstreamLost(peerId) {
        const peer = peers.get(peerId)
        if (peer?.state !== "live") return
        peer.state = "connecting"
        emitChange()
      },
      relayStopped(gone) {
        for (const id of gone) {
          peers.delete(id)
          senders.delete(id)
          hidden.delete(id)
        }
        reschedule()
        emitChange()
      },
    },
    createChannelIdSource(),
  )

  const scheduler = new TickScheduler(now => {
    ticks++
    let changed = false
    for (const peer of peers.values()) changed = peer.advance(now, (scheduler.intervalMs ?? 0) / 2) || changed
    if (changed) flush()
  })

  const reschedule = () => {
    let wanted: number | undefined
    for (const peer of peers.values()) {
      const interval = peer.intervalMs()
      if (interval !== undefined && (wanted === undefined || interval < wanted)) wanted = interval
    }
    scheduler.run(wanted)
    followDocuments()
    if (peers.size > 0 && heartbeat === undefined) {
      heartbeat = setInterval(() => {
        for (const peer of peers.values()) {
          const deliver = peer.state === "live" ? links.deliverFor(peer.id) : undefined
          if (deliver) senders.get(peer.id)?.heartbeat(deliver)
        }
      }, SIMULATED_HEARTBEAT_MS)
    } else if (peers.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  }

  /** Local peers: their messages stay in this repo (the flood to other peers is dropped). */
  const installGuard = () => {
    guard ??= wrapMethod(
      access.network,
      "send",
      original =>
        function guardedSend(this: unknown, message: Record<string, unknown>) {
          const local = message.type === "ephemeral" && hidden.has(String(message.senderId))
          if (local && message.targetId !== links.relayId) return undefined
          return (original as (message: unknown) => unknown).call(this, message)
        } as never,
    )
  }

  const removePeers = (targets: SimulatedPeer[]) => {
    for (const peer of targets) {
      peer.state = "removing"
      const deliver = links.deliverFor(peer.id)
      if (deliver && peer.written.size > 0) senders.get(peer.id)?.goodbye(deliver)
      // A socket sends what it was given before it closes.
      links.close(peer.id)
      peers.delete(peer.id)
      senders.delete(peer.id)
      hidden.delete(peer.id)
    }
    reschedule()
    emitChange()
  }

  const releaseRelayIfUnused = () => {
    lastError = links.releaseRelayIfUnused() ?? lastError
  }

  const findPeer = (id: string): SimulatedPeer => {
    const peer = peers.get(id)
    if (!peer) throw new SimulationError("unknown-peer", `No simulated peer with id ${id} (it may have been removed).`)
    return peer
  }

  const assertUsable = () => {
    if (disposing) throw new SimulationError("disposed", "Simulation was stopped for this page; open the Simulate view again.")
  }

  const removeAll = async () => {
    removePeers([...peers.values()])
    // Let the goodbyes leave before the adapter does.
    await Promise.resolve()
    releaseRelayIfUnused()
  }

  return {
    addPeers(specs) {
      assertUsable()
      const valid = validatePeerSpecs(specs, access.docExists)
      if (valid.some(spec => spec.visibility === "local")) installGuard()
      const now = Date.now()
      const created = valid.map(spec => {
        let id: string
        do id = `ephemera-sim-${crypto.randomUUID().slice(0, 8)}`
        while (peers.has(id))
        const connected = links.open(id, spec.visibility)
        const peer = new SimulatedPeer(id, links.channelId, spec, now)
        if (connected) peer.state = "live"
        peers.set(id, peer)
        senders.set(id, new PresenceSender(id, spec.docId, access.peerId()))
        if (peer.visibility === "local") hidden.add(id)
        return peer
      })
      flush()
      reschedule()
      emitChange()
      return created.map(peer => peer.info())
    },
    updatePeer(id, patch) {
      assertUsable()
      const peer = findPeer(id)
      const valid = validatePatch(patch)
      const now = Date.now()
      for (const [namespace, spec] of Object.entries(valid.namespaces)) {
        if (spec) peer.setNamespace(namespace, spec, now)
        else peer.deleteNamespace(namespace)
      }
      flush()
      reschedule()
      emitChange()
      return peer.info()
    },
    pausePeer(id, paused) {
      assertUsable()
      const peer = findPeer(id)
      peer.setPaused(paused, Date.now())
      reschedule()
      emitChange()
      return peer.info()
    },
    async removePeer(id) {
      assertUsable()
      removePeers([findPeer(id)])
      await Promise.resolve()
      releaseRelayIfUnused()
    },
    removeAll() {
      assertUsable()
      return removeAll()
    },
    list,
    stats: () => ({ ...stats, peers: peers.size, ticks, tickIntervalMs: scheduler.intervalMs, lastError }),
    dispose() {
      disposing ??= (async () => {
        scheduler.stop()
        await removeAll()
        guard?.dispose()
        listeners.clear()
      })()
      return disposing
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
