/**
 * Simulated peers for one repo: the API the page hook exposes to the panel's
 * Simulate view. Peers reach the app through the real protocol (a channel,
 * a handshake, `channel/ephemeral` frames), so the app, and every peer behind
 * its hub for network-wide ones, sees them exactly as it sees real people.
 *
 * All of them arrive on one channel, the relay, the way people behind a hub
 * arrive on the hub's channel: the app's model gains one peer (the relay,
 * named RELAY_NAME), not one per simulated person.
 */
import type { SimulatedPeerInfo, SimulatedPeerPatch, SimulatedPeerSpec } from "../../protocol/simulate"
import { EngineClock } from "./clock"
import { DeliveryQueue } from "./delivery-queue"
import { SimulationError } from "./errors"
import type { FrameStats } from "./frame-writer"
import { createChannelIdSource, generateSimulatedPeerId } from "./ids"
import { LocalOnlyGuard } from "./local-only-guard"
import { errorText as message, PeerWriter } from "./peer-writer"
import { accessRepo } from "./repo-access"
import { SimulatedAdapter, SIMULATED_ADAPTER_TYPE, type SimulatedChannelOwner } from "./simulated-adapter"
import { SimulatedPeer } from "./simulated-peer"
import { validatePatch, validatePeerSpecs } from "./spec-validation"
import { TickScheduler } from "./tick-scheduler"

export interface SimulationStats extends FrameStats {
  peers: number
  ticks: number
  /** The scheduler's interval, undefined while nothing moves. */
  tickIntervalMs: number | undefined
  /** The last failure not tied to one peer. */
  lastError: string | undefined
}

export interface SimulationEngine {
  /** Validates every spec first: on error nothing is added and a SimulationError is thrown. */
  addPeers(specs: SimulatedPeerSpec[]): SimulatedPeerInfo[]
  updatePeer(id: string, patch: SimulatedPeerPatch): SimulatedPeerInfo
  /** A paused peer keeps its last values; its behaviours resume where they stopped. */
  pausePeer(id: string, paused: boolean): SimulatedPeerInfo
  /** Resolves once the peer's entries are deleted (tombstones delivered); the relay channel leaves with the last peer. */
  removePeer(id: string): Promise<void>
  removeAll(): Promise<void>
  list(): SimulatedPeerInfo[]
  stats(): SimulationStats
  /** Removes everything and restores every wrapped repo method; later calls throw "disposed". */
  dispose(): Promise<void>
  /** Called with the full list after every change (not on behaviour ticks). */
  onChange(listener: (peers: SimulatedPeerInfo[]) => void): () => void
}

/** The relay's name in the app's model (and in the panel's peer lists). */
export const RELAY_NAME = "Ephemera simulated peers"

/** The adapter and the one channel every simulated peer arrives on; `live` once the repo took its handshake. */
interface Relay {
  adapter: SimulatedAdapter
  owner: SimulatedChannelOwner
  live: boolean
}

export function createSimulationEngine(repo: unknown): SimulationEngine {
  const access = accessRepo(repo)
  const peers = new Map<string, SimulatedPeer>()
  const listeners = new Set<(peers: SimulatedPeerInfo[]) => void>()
  const clock = new EngineClock()
  const nextChannelId = createChannelIdSource()
  let ticks = 0
  let lastError: string | undefined
  let relay: Relay | undefined
  let disposing: Promise<void> | undefined

  const queue = new DeliveryQueue(error => {
    lastError = message(error)
  })
  const writer = new PeerWriter({
    access,
    queue,
    clock,
    peers: () => peers.values(),
    adapter: () => relay?.adapter,
    relay: () => relay?.owner,
    changed: () => emitChange(),
    failed: text => {
      lastError = text
    },
  })
  const guard = new LocalOnlyGuard(access.outbound, channelId => relay?.owner.channelId === channelId)
  const scheduler = new TickScheduler(now => {
    ticks++
    let changed = false
    for (const peer of peers.values()) changed = peer.advance(now, (scheduler.intervalMs ?? 0) / 2) || changed
    if (changed) writer.flushSoon()
  })

  const list = (): SimulatedPeerInfo[] => Array.from(peers.values(), peer => peer.info())

  const emitChange = () => {
    if (listeners.size === 0) return
    const snapshot = list()
    for (const listener of listeners) {
      try {
        listener(snapshot)
      } catch (error) {
        lastError = message(error)
      }
    }
  }

  const reschedule = () => {
    let wanted: number | undefined
    for (const peer of peers.values()) {
      const interval = peer.intervalMs()
      if (interval !== undefined && (wanted === undefined || interval < wanted)) wanted = interval
    }
    scheduler.run(wanted)
  }

  const assertUsable = () => {
    if (disposing) throw new SimulationError("disposed", "Simulation was stopped for this page; open the Simulate view again.")
  }

  const findPeer = (id: string): SimulatedPeer => {
    const peer = peers.get(id)
    if (!peer || peer.state === "removing") {
      throw new SimulationError("unknown-peer", `No simulated peer with id ${id} (it may have been removed).`)
    }
    return peer
  }

  /** The adapter and its relay channel, opened once for all peers. */
  const ensureRelay = (): Relay => {
    if (relay) return relay
    const owner: SimulatedChannelOwner = {
      peerId: generateSimulatedPeerId(candidate => peers.has(candidate)),
      name: RELAY_NAME,
      channelId: nextChannelId(),
      type: "service",
    }
    // Random like the channel ids: the repo ignores an adapter whose id it already has.
    const created = new SimulatedAdapter(`${SIMULATED_ADAPTER_TYPE}-${nextChannelId()}`, queue, {
      established: channelId => {
        if (relay !== opened || channelId !== owner.channelId) return
        opened.live = true
        for (const peer of peers.values()) if (peer.state === "connecting") peer.state = "live"
        writer.flushSoon()
        reschedule()
        emitChange()
      },
      failed: (channelId, error) => {
        if (relay !== opened || channelId !== owner.channelId) return
        for (const peer of peers.values()) peer.error = `The repo refused the simulated peers' channel: ${message(error)}`
        emitChange()
      },
      stopped: () => {
        // The app reset its repo or removed our adapter: the relay is gone, and the peers with it.
        if (relay !== opened) return
        relay = undefined
        peers.clear()
        reschedule()
        emitChange()
      },
    })
    const opened: Relay = { adapter: created, owner, live: false }
    try {
      access.addAdapter(created).catch(error => {
        lastError = `repo.addAdapter failed: ${message(error)}`
      })
    } catch (error) {
      throw new SimulationError("unsupported-repo", `The repo refused the simulated peers' adapter: ${message(error)}`)
    }
    relay = opened
    created.openChannel(owner)
    return opened
  }

  /** Deletes the peers' entries everywhere they reached (tombstones through the relay). */
  const removePeers = (targets: SimulatedPeer[]): Promise<void> => {
    if (targets.length === 0) return Promise.resolve()
    for (const peer of targets) peer.state = "removing"
    reschedule()
    emitChange()
    return new Promise(resolve => {
      const finish = () => {
        for (const peer of targets) peers.delete(peer.id)
        emitChange()
        resolve()
      }
      queue.push(
        () => {
          writer.deleteEntries(targets)
          finish()
        },
        error => {
          lastError = message(error)
          finish()
        },
      )
    })
  }

  /** With the last peer gone, the relay leaves the app's model too. */
  const releaseRelayIfUnused = async (): Promise<void> => {
    if (peers.size > 0 || !relay) return
    const { adapter } = relay
    relay = undefined
    try {
      await access.removeAdapter(adapter.adapterId)
    } catch (error) {
      lastError = `repo.removeAdapter failed: ${message(error)}`
    }
  }

  const removeAll = async (): Promise<void> => {
    await removePeers(Array.from(peers.values()).filter(peer => peer.state !== "removing"))
    await releaseRelayIfUnused()
  }

  return {
    addPeers(specs) {
      assertUsable()
      const valid = validatePeerSpecs(specs, access.docExists)
      // Everything that can throw happens before the first peer exists. The
      // guard goes first: left installed with no hidden keys it only passes through.
      if (valid.some(spec => spec.visibility === "local")) guard.install()
      const current = ensureRelay()
      const now = Date.now()
      const created = valid.map(spec => {
        const id = generateSimulatedPeerId(candidate => peers.has(candidate) || candidate === current.owner.peerId)
        const peer = new SimulatedPeer(id, current.owner.channelId, spec, now)
        if (current.live) peer.state = "live"
        peers.set(id, peer)
        if (peer.visibility === "local") guard.hide(id)
        return peer
      })
      if (current.live) writer.flushSoon()
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
      if (peer.state === "live") writer.flushSoon()
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
    removePeer(id) {
      assertUsable()
      return removePeers([findPeer(id)]).then(releaseRelayIfUnused)
    },
    removeAll() {
      assertUsable()
      return removeAll()
    },
    list,
    stats: () => ({
      ...writer.stats,
      peers: peers.size,
      ticks,
      tickIntervalMs: scheduler.intervalMs,
      lastError,
    }),
    dispose() {
      disposing ??= (async () => {
        scheduler.stop()
        await removeAll()
        await queue.idle()
        guard.dispose()
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
