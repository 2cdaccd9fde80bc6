/**
 * Simulated peers for an automerge-repo Repo, behind the same
 * SimulationEngine interface as loro-extended's. Each peer speaks Presence's
 * own protocol (presence-messages.ts) through a network adapter the hook adds
 * (relay-adapter.ts): a snapshot of its channels when it arrives, an update
 * per changed channel, heartbeats while it lives, a goodbye when it leaves.
 * The app's Presence sees it as it sees a person behind the sync server.
 *
 * Visibility: the app's repo floods every ephemeral message it receives to
 * its other peers (the sync server among them), so a peer is network-wide by
 * nature; a local one has its messages dropped from the repo's outbound
 * traffic (everything but what goes back to the relay).
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
import { PresenceSender } from "./presence-messages"
import { RelayAdapter } from "./relay-adapter"

/** Below automerge's own default (15 s) and far below its peer TTL (45 s): a paused peer must not be pruned. */
export const SIMULATED_HEARTBEAT_MS = 5_000

export function createAutomergeSimulationEngine(repo: unknown): SimulationEngine {
  const access = accessAutomergeRepo(repo)
  const peers = new Map<string, SimulatedPeer>()
  const senders = new Map<string, PresenceSender>()
  const hidden = new Set<string>()
  const listeners = new Set<(peers: SimulatedPeerInfo[]) => void>()
  const nextChannelId = createChannelIdSource()
  const stats = { frames: 0, entries: 0, resent: 0, refused: 0 }
  let ticks = 0
  let lastError: string | undefined
  let relay: RelayAdapter | undefined
  let relayChannel = 0
  let guard: MethodWrap | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let disposing: Promise<void> | undefined

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

  /** Sends what changed for every live peer: a snapshot first, then updates. */
  const flush = () => {
    if (!relay?.connected) return
    for (const peer of peers.values()) {
      if (peer.state !== "live" || (peer.dirty.size === 0 && peer.written.size > 0)) continue
      const sender = senders.get(peer.id)!
      try {
        const sent = sender.sendChanges(peer, message => relay!.deliver(message))
        stats.frames += sent
        stats.entries += sent
        peer.error = undefined
      } catch (error) {
        peer.error = `The repo rejected this peer's message: ${errorText(error)}`
      }
      peer.dirty.clear()
    }
  }

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
    if (peers.size > 0 && heartbeat === undefined) {
      heartbeat = setInterval(() => {
        for (const peer of peers.values()) {
          if (peer.state === "live") senders.get(peer.id)?.heartbeat(message => relay?.deliver(message))
        }
      }, SIMULATED_HEARTBEAT_MS)
    } else if (peers.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  }

  const ensureRelay = (): RelayAdapter => {
    if (relay) return relay
    relayChannel = nextChannelId()
    const created: RelayAdapter = new RelayAdapter(`ephemera-relay-${relayChannel}`, {
      connected: () =>
        queueMicrotask(() => {
          if (relay !== created) return
          for (const peer of peers.values()) if (peer.state === "connecting") peer.state = "live"
          flush()
          reschedule()
          emitChange()
        }),
      stopped: () => {
        // The app removed our adapter (or shut its repo down): the peers are gone with it.
        if (relay !== created) return
        relay = undefined
        peers.clear()
        senders.clear()
        reschedule()
        emitChange()
      },
    })
    relay = created
    try {
      access.addAdapter(created)
    } catch (error) {
      relay = undefined
      throw new SimulationError("unsupported-repo", `The repo refused the simulated peers' adapter: ${errorText(error)}`)
    }
    return created
  }

  /** Local peers: their messages stay in this repo (the flood to other peers is dropped). */
  const installGuard = () => {
    guard ??= wrapMethod(
      access.network,
      "send",
      original =>
        function guardedSend(this: unknown, message: Record<string, unknown>) {
          const local = message.type === "ephemeral" && hidden.has(String(message.senderId))
          if (local && message.targetId !== relay?.relayId) return undefined
          return (original as (message: unknown) => unknown).call(this, message)
        } as never,
    )
  }

  const removePeers = (targets: SimulatedPeer[]) => {
    for (const peer of targets) {
      peer.state = "removing"
      if (relay?.connected && peer.written.size > 0) senders.get(peer.id)?.goodbye(message => relay?.deliver(message))
      peers.delete(peer.id)
      senders.delete(peer.id)
      hidden.delete(peer.id)
    }
    reschedule()
    emitChange()
  }

  const releaseRelayIfUnused = () => {
    if (peers.size > 0 || !relay) return
    const leaving = relay
    relay = undefined
    try {
      access.removeAdapter(leaving)
    } catch (error) {
      lastError = `removeNetworkAdapter failed: ${errorText(error)}`
    }
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
      const current = ensureRelay()
      const now = Date.now()
      const created = valid.map(spec => {
        let id: string
        do id = `ephemera-sim-${crypto.randomUUID().slice(0, 8)}`
        while (peers.has(id))
        const peer = new SimulatedPeer(id, relayChannel, spec, now)
        if (current.connected) peer.state = "live"
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
