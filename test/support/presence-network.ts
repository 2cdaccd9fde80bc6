/**
 * Real repos for the diagnostics tests: a hub and spokes of
 * @loro-extended/repo 5.4.2 joined by the library's Bridge/BridgeAdapter,
 * opening the demo's room (presence, cursor, typing). Nothing of the library
 * is faked. What the tests control is time: the repos' heartbeat intervals
 * and every timestamp (loro stamps entries with Date.now) run on Vitest's
 * fake clock, so a heartbeat happens exactly when a test says and two writes
 * can share a millisecond for sure. Microtasks and timeouts stay real, so
 * the repos talk to each other as they always do.
 */
import { Bridge, BridgeAdapter, Repo } from "@loro-extended/repo"
import { vi } from "vitest"
import { openRoom, type RoomHandle } from "../../demo/shared/room"

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0)
export const ROOM = "lobby"
export const DOC_ID = `room:${ROOM}`
export const HEARTBEAT_MS = 10_000

export function useControlledClock(): void {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"], now: T0 })
}

export interface Peer {
  readonly name: string
  readonly repo: Repo
  readonly room: RoomHandle
  readonly peerId: string
}

interface Link {
  readonly hub: Peer
  readonly spoke: Peer
  readonly bridge: Bridge
  readonly hubSide: BridgeAdapter
  readonly spokeSide: BridgeAdapter
}

/** Lets queued microtasks and the bridge's deliveries run to the end. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise<void>(resolve => setImmediate(resolve))
}

/** Fake time passes: intervals due in it fire, in order, with the network settling after each. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
  await settle()
}

/**
 * Polls on real turns of the event loop. Not vi.waitFor: with fake timers
 * it advances them, and these tests decide exactly when time passes.
 */
export async function until(condition: () => boolean, what: string, turns = 200): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (condition()) return
    await new Promise<void>(resolve => setImmediate(resolve))
  }
  throw new Error(`waiting for ${what}`)
}

export class PresenceNetwork {
  readonly #peers: Peer[] = []
  readonly #links: Link[] = []

  /** A repo that has opened the room. Its heartbeat waits for startHeartbeats. */
  peer(name: string, type: "user" | "service" = "user"): Peer {
    const repo = new Repo({ identity: { name, type } })
    repo.synchronizer.stopHeartbeat()
    const peer = { name, repo, room: openRoom(repo, ROOM), peerId: repo.identity.peerId }
    this.#peers.push(peer)
    return peer
  }

  /** Presence as the demo sets it on joining. */
  join(peer: Peer): void {
    peer.room.presence.setSelf({ name: peer.name, color: "teal" })
    peer.room.typing.setSelf({ typing: false })
  }

  async link(hub: Peer, spoke: Peer): Promise<void> {
    const bridge = new Bridge()
    const hubSide = new BridgeAdapter({ bridge, adapterType: `${hub.name}-to-${spoke.name}` })
    const spokeSide = new BridgeAdapter({ bridge, adapterType: `${spoke.name}-to-${hub.name}` })
    await hub.repo.addAdapter(hubSide)
    await spoke.repo.addAdapter(spokeSide)
    this.#links.push({ hub, spoke, bridge, hubSide, spokeSide })
    await until(() => established(spoke.repo) > 0, `${spoke.name} to reach ${hub.name}`)
  }

  /** The hub's side goes away: the spoke's channel to it closes. */
  async unlink(hub: Peer, spoke: Peer): Promise<void> {
    const link = this.#link(hub, spoke)
    await hub.repo.removeAdapter(link.hubSide.adapterId)
  }

  /**
   * Frames from `from` to `to` wait until released (an unreliable link):
   * nothing is lost, the channel stays open. Returns the release.
   */
  hold(from: Peer, to: Peer): () => Promise<void> {
    const link = this.#link(from, to)
    const fromType = from === link.hub ? link.hubSide.adapterType : link.spokeSide.adapterType
    const original = link.bridge.routeMessage.bind(link.bridge)
    const held: Array<Parameters<Bridge["routeMessage"]>> = []
    link.bridge.routeMessage = (source, target, message) => {
      if (source === fromType) held.push([source, target, message])
      else original(source, target, message)
    }
    return async () => {
      link.bridge.routeMessage = original
      for (const args of held.splice(0)) original(...args)
      await settle()
    }
  }

  /**
   * Starts the heartbeats `gapMs` apart in fake time, in the order given, as
   * peers that joined at different moments have them.
   */
  async startHeartbeats(peers: readonly Peer[], gapMs: number): Promise<void> {
    for (const [index, peer] of peers.entries()) {
      if (index > 0) await advance(gapMs)
      peer.repo.synchronizer.startHeartbeat()
    }
  }

  dispose(): void {
    for (const peer of this.#peers) peer.repo.synchronizer.stopHeartbeat()
  }

  #link(a: Peer, b: Peer): Link {
    const link = this.#links.find(
      candidate => (candidate.hub === a && candidate.spoke === b) || (candidate.hub === b && candidate.spoke === a),
    )
    if (!link) throw new Error(`${a.name} and ${b.name} are not linked`)
    return link
  }
}

export function established(repo: Repo): number {
  return [...repo.synchronizer.model.channels.values()].filter(channel => channel.type === "established").length
}

/** The raw state of one namespace as a repo's store holds it. */
export function held(peer: Peer, namespace: "presence" | "cursor" | "typing", key: string): unknown {
  return peer.room.getEphemeral(namespace)?.getAllStates()[key]
}
