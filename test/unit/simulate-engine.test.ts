/**
 * The simulation engine against real repos: a hub and two spokes (A, B)
 * joined by the library's in-memory Bridge, each spoke in the demo room.
 * Simulated peers are added to A.
 */
import { Bridge, BridgeAdapter, type ChannelMsg, Repo, type ReadyState } from "@loro-extended/repo"
import { afterEach, describe, expect, it, vi } from "vitest"
import { decodeEphemeralStore } from "../../codec/loro-ephemeral/ephemeral-codec"
import { encodeEphemeralEntries } from "../../codec/loro-ephemeral/ephemeral-encoder"
import { createSimulationEngine, RELAY_NAME, type SimulationEngine } from "../../injected/simulate/engine"
import { SimulationError } from "../../injected/simulate/errors"
import type { SimulatedPeerSpec } from "../../protocol/simulate"
import { docIdForRoom, openRoom, type RoomHandle } from "../../demo/shared/room"

const ROOM = "lobby"
const DOC_ID = docIdForRoom(ROOM)

interface WireMessage {
  from: string
  to: string
  message: ChannelMsg
}

interface Network {
  hub: Repo
  a: Repo
  b: Repo
  handleA: RoomHandle
  handleB: RoomHandle
  bridgeA: Bridge
  /** Every message that crossed either bridge, in order. */
  wire: WireMessage[]
  states(repo: Repo, namespace: string): Record<string, unknown>
}

const cleanups: Array<() => void | Promise<void>> = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Polls (without fake timers) until `condition` holds. */
async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setImmediate(resolve))
  }
}

/** Lets queued microtasks and bridge deliveries run. */
async function settle(rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round++) await new Promise(resolve => setImmediate(resolve))
}

function tapBridge(bridge: Bridge, wire: WireMessage[]): void {
  const route = bridge.routeMessage.bind(bridge)
  bridge.routeMessage = (from, to, message) => {
    wire.push({ from, to, message })
    route(from, to, message)
  }
}

async function createNetwork(): Promise<Network> {
  const wire: WireMessage[] = []
  const bridgeA = new Bridge()
  const bridgeB = new Bridge()
  tapBridge(bridgeA, wire)
  tapBridge(bridgeB, wire)
  const hub = new Repo({
    identity: { name: "hub", type: "service" },
    adapters: [new BridgeAdapter({ bridge: bridgeA, adapterType: "hub-a" }), new BridgeAdapter({ bridge: bridgeB, adapterType: "hub-b" })],
  })
  const a = new Repo({ identity: { name: "alice" }, adapters: [new BridgeAdapter({ bridge: bridgeA, adapterType: "spoke-a" })] })
  const b = new Repo({ identity: { name: "bob" }, adapters: [new BridgeAdapter({ bridge: bridgeB, adapterType: "spoke-b" })] })
  for (const repo of [hub, a, b]) {
    cleanups.push(() => {
      repo.synchronizer.stopHeartbeat()
      repo.reset()
    })
  }
  const handleA = openRoom(a, ROOM)
  const handleB = openRoom(b, ROOM)
  handleA.presence.setSelf({ name: "alice", color: "#f00" })
  handleB.presence.setSelf({ name: "bob", color: "#00f" })
  await Promise.all([handleA.waitForSync({ timeout: 5000 }), handleB.waitForSync({ timeout: 5000 })])
  const states = (repo: Repo, namespace: string) => repo.synchronizer.getNamespacedStore(DOC_ID, namespace)?.getAllStates() ?? {}
  await until(() => Object.keys(states(b, "presence")).length === 2, "B to see A")
  return { hub, a, b, handleA, handleB, bridgeA, wire, states }
}

function engineFor(repo: Repo): SimulationEngine {
  const engine = createSimulationEngine(repo)
  cleanups.push(() => engine.dispose().catch(() => undefined))
  return engine
}

function spec(visibility: "local" | "network", name = "sim"): SimulatedPeerSpec {
  return {
    name,
    docId: DOC_ID,
    visibility,
    namespaces: {
      presence: { value: { name, color: "#0a0" }, behaviour: { kind: "static" } },
      cursor: { value: { x: 10, y: 20 }, behaviour: { kind: "static" } },
    },
  }
}

/** Every ephemeral payload in a message, with where it rides. */
function ephemeralPayloads(message: ChannelMsg): Uint8Array[] {
  if (message.type === "channel/batch") return message.messages.flatMap(ephemeralPayloads)
  if (message.type === "channel/ephemeral") return message.stores.map(store => store.data)
  if (message.type === "channel/sync-request" || message.type === "channel/sync-response") {
    return (message.ephemeral ?? []).map(store => store.data)
  }
  return []
}

function keysIn(message: ChannelMsg): string[] {
  return ephemeralPayloads(message).flatMap(data => decodeEphemeralStore(data).map(entry => entry.key))
}

/** True when the id's bytes occur anywhere in any binary field of the message. */
function bytesMention(message: ChannelMsg, id: string): boolean {
  const needle = Buffer.from(id)
  return ephemeralPayloads(message).some(data => Buffer.from(data).includes(needle))
}

describe("simulated peers through the real protocol", () => {
  it("completes the handshake: one relay peer in A's model, on an 'other' channel that never satisfies waitForSync", async () => {
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const docVersion = net.a.synchronizer.getDocumentState(DOC_ID)?.doc.version().toJSON()
    const [info, second] = engine.addPeers([spec("local", "Sim Ada"), spec("network", "Sim Bo")])
    await until(() => engine.list().every(peer => peer.state === "live"), "the peers to go live")

    // Both arrive on one channel, whose peer is the relay: like people behind a hub,
    // the simulated peers themselves are keys in the stores, not peers of the model.
    const model = net.a.synchronizer.model
    const channel = model.channels.get(info!.channelId)
    expect(second!.channelId).toBe(info!.channelId)
    expect(channel).toMatchObject({ kind: "other", adapterType: "ephemera-simulated", type: "established" })
    expect(info!.channelId).toBeGreaterThanOrEqual(1_000_000_000)
    const relayId = (channel as { peerId: string }).peerId
    expect(model.peers.get(relayId as `${number}`)?.identity).toEqual({ peerId: relayId, name: RELAY_NAME, type: "service" })
    expect([info!.id, second!.id]).not.toContain(relayId)
    expect(model.peers.has(info!.id as `${number}`)).toBe(false)
    expect([...model.channels.values()].filter(candidate => candidate.kind === "other")).toHaveLength(1)

    // The repo learns the relay holds no documents; nothing of A's document changed.
    const readyStates: ReadyState[] = net.a.synchronizer.getReadyStates(DOC_ID)
    const simulated = readyStates.find(state => state.identity.peerId === relayId)
    expect(simulated).toMatchObject({ status: "absent", channels: [{ kind: "other", state: "established" }] })
    const satisfiesWaitForSync = (state: ReadyState) =>
      state.identity.peerId !== net.a.identity.peerId &&
      state.channels.some(c => c.kind === "network") &&
      (state.status === "synced" || state.status === "absent")
    expect(satisfiesWaitForSync(simulated!)).toBe(false)
    expect(net.a.synchronizer.getDocumentState(DOC_ID)?.doc.version().toJSON()).toEqual(docVersion)
    expect(net.states(net.a, "presence")[info!.id]).toEqual({ name: "Sim Ada", color: "#0a0" })
    expect(net.states(net.a, "presence")[second!.id]).toEqual({ name: "Sim Bo", color: "#0a0" })
  })

  it("does not let a simulated peer satisfy waitForSync in an offline app", async () => {
    const lonely = new Repo({
      identity: { name: "offline" },
      adapters: [new BridgeAdapter({ bridge: new Bridge(), adapterType: "alone" })],
    })
    cleanups.push(() => {
      lonely.synchronizer.stopHeartbeat()
      lonely.reset()
    })
    const handle = openRoom(lonely, ROOM)
    const engine = engineFor(lonely)
    engine.addPeers([spec("local")])
    await until(() => engine.list()[0]?.state === "live", "the peer to go live")
    await expect(handle.waitForSync({ timeout: 200 })).rejects.toThrow(/timed out/)
  })

  it("shows a network-wide peer to the hub and to spoke B", async () => {
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const [info] = engine.addPeers([spec("network", "Everywhere")])
    const id = info!.id
    await until(() => net.states(net.b, "cursor")[id] !== undefined, "B to see the simulated cursor")
    expect(net.states(net.b, "presence")[id]).toEqual({ name: "Everywhere", color: "#0a0" })
    expect(net.states(net.hub, "cursor")[id]).toEqual({ x: 10, y: 20 })
    expect(net.states(net.a, "cursor")[id]).toEqual({ x: 10, y: 20 })
    // The hub relays it as data, not as a peer: only A's model knows the simulated identity.
    expect(net.hub.synchronizer.model.peers.has(id as `${number}`)).toBe(false)
  })

  it("keeps a local-only peer inside A across heartbeats, presence changes and reconnects", async () => {
    // Only intervals are faked: the repo's 10 s heartbeat runs on setInterval, the bridge on microtasks.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] })
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const [info] = engine.addPeers([spec("local", "Only here")])
    const id = info!.id
    await until(() => net.states(net.a, "presence")[id] !== undefined, "A to see the simulated peer")
    const fromA = () => net.wire.filter(entry => entry.from === "spoke-a")
    const sentBefore = fromA().length

    // Two heartbeats: A re-stamps and sends every key of every store, ours included.
    vi.advanceTimersByTime(10_000)
    await settle()
    vi.advanceTimersByTime(10_000)
    await settle()
    const heartbeatFrames = fromA()
      .slice(sentBefore)
      .filter(entry => ephemeralPayloads(entry.message).length > 0)
    expect(heartbeatFrames.length).toBeGreaterThanOrEqual(2)
    // A's own presence change broadcasts its whole presence store.
    net.handleA.cursor.setSelf({ x: 1, y: 2 })
    await settle()
    // Reconnect: sync-request and sync-response carry A's whole stores, in batches.
    const spoke = net.a.adapters.find(adapter => adapter.adapterType === "spoke-a")!
    await net.a.removeAdapter(spoke.adapterId)
    await net.a.addAdapter(new BridgeAdapter({ bridge: net.bridgeA, adapterType: "spoke-a" }))
    const typesSent = () =>
      new Set<string>(
        fromA()
          .slice(sentBefore)
          .flatMap(entry => (entry.message.type === "channel/batch" ? entry.message.messages : [entry.message]))
          .map(message => message.type),
      )
    await until(
      () => ["channel/ephemeral", "channel/sync-request", "channel/sync-response"].every(type => typesSent().has(type)),
      "A to resync with the hub",
    )
    await settle()

    const sent = fromA().slice(sentBefore)
    expect(sent.some(entry => entry.message.type === "channel/batch")).toBe(true)
    // A's own presence still goes out; ours never does, in any byte.
    expect(sent.some(entry => keysIn(entry.message).includes(net.a.identity.peerId))).toBe(true)
    for (const entry of net.wire) {
      expect(keysIn(entry.message)).not.toContain(id)
      expect(bytesMention(entry.message, id)).toBe(false)
    }
    expect(net.states(net.a, "presence")[id]).toEqual({ name: "Only here", color: "#0a0" })
    for (const namespace of ["presence", "cursor"]) {
      expect(net.states(net.hub, namespace)[id]).toBeUndefined()
      expect(net.states(net.b, namespace)[id]).toBeUndefined()
    }
  })

  it("keeps a removed peer removed where a heartbeat re-stamped its keys while the tombstone was on its way", async () => {
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const [info] = engine.addPeers([spec("network", "restamped")])
    const id = info!.id
    await until(() => net.states(net.b, "presence")[id] !== undefined && net.states(net.b, "cursor")[id] !== undefined, "B to see the peer")
    // B's heartbeat (or a clock a second ahead) re-stamps every key it holds, ours
    // included, after the tombstone is made and before it arrives.
    const restampedAt = Date.now() + 1_000
    for (const namespace of ["presence", "cursor"]) {
      const value = net.states(net.b, namespace)[id] as never
      net.b.synchronizer.getNamespacedStore(DOC_ID, namespace)!.apply(encodeEphemeralEntries([{ key: id, timestamp: restampedAt, value }]))
    }
    await engine.removePeer(id)
    await until(
      () => net.states(net.b, "presence")[id] === undefined && net.states(net.b, "cursor")[id] === undefined,
      "the tombstones to win in B",
      2_000,
    )
    const [tombstone] = decodeEphemeralStore(net.b.synchronizer.getNamespacedStore(DOC_ID, "presence")!.encode(id))
    expect(tombstone).toMatchObject({ key: id, deleted: true })
    expect(tombstone!.timestamp).toBeGreaterThan(restampedAt)
  })

  it("deletes a removed peer's presence everywhere it reached, leaving the others", async () => {
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const [wide, kept, local] = engine.addPeers([spec("network", "gone"), spec("network", "stays"), spec("local", "local")])
    await until(
      () => net.states(net.b, "cursor")[kept!.id] !== undefined && net.states(net.b, "cursor")[wide!.id] !== undefined,
      "B to see both network peers",
    )
    await until(() => net.states(net.a, "cursor")[local!.id] !== undefined, "A to see the local peer")

    await engine.removePeer(wide!.id)
    await engine.removePeer(local!.id)
    await until(() => net.states(net.b, "presence")[wide!.id] === undefined, "the tombstone to reach B")
    for (const repo of [net.a, net.hub, net.b]) {
      expect(net.states(repo, "presence")[wide!.id]).toBeUndefined()
      expect(net.states(repo, "cursor")[wide!.id]).toBeUndefined()
      expect(net.states(repo, "presence")[kept!.id]).toEqual({ name: "stays", color: "#0a0" })
    }
    const tombstone = decodeEphemeralStore(net.b.synchronizer.getNamespacedStore(DOC_ID, "cursor")!.encode(wide!.id))
    expect(tombstone[0]).toMatchObject({ key: wide!.id, deleted: true })
    expect(net.states(net.a, "presence")[local!.id]).toBeUndefined()
    // The relay stays for the peer still there, and goes with the last one.
    expect(net.a.synchronizer.model.channels.has(kept!.channelId)).toBe(true)
    expect(engine.list().map(peer => peer.id)).toEqual([kept!.id])
    await engine.removePeer(kept!.id)
    expect(net.a.synchronizer.model.channels.has(kept!.channelId)).toBe(false)
    expect(net.states(net.b, "presence")[kept!.id]).toBeUndefined()
  })

  it("stamps frames with strictly increasing timestamps, even 1,000 updates within one millisecond", async () => {
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const [info] = engine.addPeers([spec("network", "fast")])
    const id = info!.id
    await until(() => net.states(net.b, "cursor")[id] !== undefined, "B to see the peer")
    const start = net.wire.length
    vi.spyOn(Date, "now").mockReturnValue(Date.now())
    for (let n = 1; n <= 1000; n++) {
      engine.updatePeer(id, { namespaces: { cursor: { value: { x: n, y: n }, behaviour: { kind: "static" } } } })
      // One microtask: the engine's flush runs, one frame per update.
      await new Promise<void>(resolve => queueMicrotask(resolve))
    }
    vi.restoreAllMocks()
    await until(() => (net.states(net.b, "cursor")[id] as { x?: number } | undefined)?.x === 1000, "B to see the last update")

    const relayed = net.wire
      .slice(start)
      .filter(entry => entry.from === "spoke-a")
      .flatMap(entry => ephemeralPayloads(entry.message).flatMap(data => decodeEphemeralStore(data)))
      .filter(entry => entry.key === id)
    expect(relayed).toHaveLength(1000)
    for (let index = 1; index < relayed.length; index++) {
      expect(relayed[index]!.timestamp).toBeGreaterThan(relayed[index - 1]!.timestamp)
    }
    expect(net.states(net.a, "cursor")[id]).toEqual({ x: 1000, y: 1000 })
    expect(net.states(net.hub, "cursor")[id]).toEqual({ x: 1000, y: 1000 })
  })

  it("resends an update that lost to the app's heartbeat re-stamping our key in the same millisecond", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] })
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const [info] = engine.addPeers([spec("local", "stamped")])
    const id = info!.id
    await until(() => net.states(net.a, "cursor")[id] !== undefined, "A to see the peer")
    // Freeze a clock ahead of anything the engine has used; the heartbeat's touch() stamps our key with it.
    vi.spyOn(Date, "now").mockReturnValue(Date.now() + 5000)
    vi.advanceTimersByTime(10_000)
    engine.updatePeer(id, { namespaces: { cursor: { value: { x: 99, y: 99 }, behaviour: { kind: "static" } } } })
    await settle()
    expect(net.states(net.a, "cursor")[id]).toEqual({ x: 99, y: 99 })
    expect(engine.stats()).toMatchObject({ resent: 1, refused: 0 })
    expect(engine.list()[0]!.error).toBeUndefined()
  })

  it("restores the wrapped send methods by identity on dispose, and refuses calls afterwards", async () => {
    const net = await createNetwork()
    const adapters = net.a.synchronizer.adapters
    const send = adapters.send
    const establishment = adapters.sendEstablishmentMessage
    const engine = engineFor(net.a)
    engine.addPeers([spec("local"), spec("network")])
    expect(adapters.send).not.toBe(send)
    await until(() => engine.list().every(peer => peer.state === "live"), "peers to go live")
    await engine.dispose()
    expect(adapters.send).toBe(send)
    expect(adapters.sendEstablishmentMessage).toBe(establishment)
    expect(Object.hasOwn(adapters, "send")).toBe(false)
    expect(net.a.adapters.some(adapter => adapter.adapterType === "ephemera-simulated")).toBe(false)
    expect([...net.a.synchronizer.model.channels.values()].some(channel => channel.kind === "other")).toBe(false)
    expect(() => engine.addPeers([spec("local")])).toThrow(SimulationError)
    expect(() => engine.list()).not.toThrow()
  })

  it("adds nothing when any spec is invalid, with an error a user can read", async () => {
    const net = await createNetwork()
    const send = net.a.synchronizer.adapters.send
    const engine = engineFor(net.a)
    const attempt = (specs: unknown) => {
      try {
        engine.addPeers(specs as SimulatedPeerSpec[])
      } catch (error) {
        return error
      }
      throw new Error("expected addPeers to throw")
    }
    const nan = { ...spec("local"), namespaces: { cursor: { value: { x: Number.NaN }, behaviour: { kind: "static" } } } }
    const dated = { ...spec("local"), namespaces: { presence: { value: { at: new Date() }, behaviour: { kind: "static" } } } }
    const missing = { ...spec("local"), namespaces: { presence: { value: undefined, behaviour: { kind: "static" } } } }
    const cases: Array<[unknown, string, RegExp]> = [
      [[spec("local"), nan], "invalid-spec", /peers\[1\]\.namespaces\.cursor\.value\.x is NaN/],
      [[dated], "invalid-spec", /is a Date, not a plain object/],
      [[missing], "invalid-spec", /value is undefined/],
      [[spec("network"), { ...spec("local"), docId: "room:gone" }], "unknown-doc", /no document or ephemeral store for "room:gone"/],
      [[], "invalid-spec", /non-empty list/],
    ]
    for (const [specs, code, text] of cases) {
      const error = attempt(specs)
      expect(error).toBeInstanceOf(SimulationError)
      expect((error as SimulationError).code).toBe(code)
      expect((error as SimulationError).message).toMatch(text)
    }
    await settle()
    expect(engine.list()).toEqual([])
    expect(net.a.synchronizer.adapters.send).toBe(send)
    expect(net.a.adapters.some(adapter => adapter.adapterType === "ephemera-simulated")).toBe(false)
    expect([...net.a.synchronizer.model.peers.values()].map(peer => peer.identity.name).sort()).toEqual(["hub"])
    expect(() => createSimulationEngine({})).toThrow(/no `synchronizer`/)
    expect(() => engine.updatePeer("123", { namespaces: {} })).toThrow(/No simulated peer with id 123/)
  })

  it("pauses, edits and animates a peer from one scheduler", async () => {
    const net = await createNetwork()
    const engine = engineFor(net.a)
    const changes: number[] = []
    engine.onChange(peers => changes.push(peers.length))
    const [info] = engine.addPeers([
      {
        ...spec("local"),
        namespaces: {
          cursor: {
            value: { x: 50, y: 50 },
            behaviour: { kind: "random-walk", rateHz: 30, step: 10, bounds: { x: [0, 100], y: [0, 100] } },
          },
          typing: { value: { typing: false }, behaviour: { kind: "toggle", field: "typing", periodMs: 50 } },
        },
      },
    ])
    const id = info!.id
    const seen = new Set<string>()
    const store = () => net.a.synchronizer.getNamespacedStore(DOC_ID, "cursor")
    await until(() => store()?.get(id) !== undefined, "the walk to start")
    const unsubscribe = store()!.subscribe(() => seen.add(JSON.stringify(store()!.get(id))))
    await until(() => seen.size >= 5, "the cursor to move")
    expect(engine.stats().tickIntervalMs).toBe(33)

    engine.pausePeer(id, true)
    expect(engine.stats().tickIntervalMs).toBeUndefined()
    // No timer runs any more, so nothing can move it.
    const ticks = engine.stats().ticks
    const frozen = JSON.stringify(store()!.get(id))
    await settle()
    expect(JSON.stringify(store()!.get(id))).toBe(frozen)
    expect(engine.stats().ticks).toBe(ticks)
    engine.pausePeer(id, false)

    engine.updatePeer(id, {
      namespaces: { typing: null, presence: { value: { name: "renamed", color: "#123" }, behaviour: { kind: "static" } } },
    })
    await until(() => net.states(net.a, "typing")[id] === undefined, "typing to be deleted")
    expect(net.states(net.a, "presence")[id]).toEqual({ name: "renamed", color: "#123" })
    expect(Object.keys(engine.list()[0]!.namespaces).sort()).toEqual(["cursor", "presence"])
    expect(changes.length).toBeGreaterThanOrEqual(4)
    unsubscribe()
  })
})
