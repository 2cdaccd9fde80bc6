/**
 * The hook against real repos: a hub and two spokes (alice, bob) connected
 * with the library's Bridge/BridgeAdapter, each spoke on its own bridge so
 * presence has to be relayed by the hub. Nothing here is a fake of the
 * library; the "window" is the bridge's in-memory transport.
 */
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import { EphemeralStore } from "loro-crdt"
import { afterEach, describe, expect, it, vi } from "vitest"
import {
  PROTOCOL_VERSION,
  SUMMARY_TAG,
  type HookEvent,
  type HookToPanelMessage,
  type PanelToHookMessage,
  type TapName,
  type WireValue,
} from "../../protocol/messages"
import { checkHookToRelay } from "../../protocol/validate"
import { memoryTransport, type MemoryTransport } from "../../injected/bridge/memory-transport"
import { decodeEphemeralStore, type DecodedEntry } from "../../codec/loro-ephemeral/ephemeral-codec"
import { hexToBytes } from "../../codec/hex"
import { createHook } from "../../injected/hook/create-hook"
import type { EphemeraHook } from "../../injected/hook/types"

const DOC = "room"
const DocShape = Shape.doc({ title: Shape.text() })
const Presence = Shape.plain.struct({ name: Shape.plain.string(), x: Shape.plain.number() })
const ALL_TAPS: TapName[] = ["update-fn", "adapters-send", "establishment-send", "channel-receive", "emitter", "stores"]

type Event<K extends HookEvent["kind"]> = Extract<HookEvent, { kind: K }>

interface World {
  hub: Repo
  alice: Repo
  bob: Repo
  handles: {
    hub: ReturnType<typeof openRoom>
    alice: ReturnType<typeof openRoom>
    bob: ReturnType<typeof openRoom>
  }
  transport: MemoryTransport
  hook: EphemeraHook
  relay(message: PanelToHookMessage): void
  /** Adds the adapters: alice <-> hub on one bridge, bob <-> hub on another. */
  connect(): Promise<void>
  dispose(): void
}

const worlds: World[] = []
afterEach(() => {
  for (const world of worlds.splice(0)) world.dispose()
})

function openRoom(repo: Repo) {
  return repo.get(DOC, DocShape, { presence: Presence })
}

function createWorld(): World {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
  const relay = (message: PanelToHookMessage) => transport.deliver(message)
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  const alice = new Repo({ identity: { name: "alice" } })
  const bob = new Repo({ identity: { name: "bob" } })
  const toAlice = new Bridge()
  const toBob = new Bridge()
  let handles: World["handles"] | undefined
  const world: World = {
    hub,
    alice,
    bob,
    get handles() {
      handles ??= { hub: openRoom(hub), alice: openRoom(alice), bob: openRoom(bob) }
      return handles
    },
    transport,
    hook,
    relay,
    async connect() {
      await hub.addAdapter(new BridgeAdapter({ bridge: toAlice, adapterType: "hub-to-alice" }))
      await hub.addAdapter(new BridgeAdapter({ bridge: toBob, adapterType: "hub-to-bob" }))
      await alice.addAdapter(new BridgeAdapter({ bridge: toAlice, adapterType: "alice" }))
      await bob.addAdapter(new BridgeAdapter({ bridge: toBob, adapterType: "bob" }))
      await until(() => established(alice) && established(bob) && hubEstablished(hub), "all channels established")
    },
    dispose() {
      dispose()
      for (const repo of [hub, alice, bob]) repo.synchronizer.stopHeartbeat()
    },
  }
  worlds.push(world)
  return world
}

function established(repo: Repo): boolean {
  return [...repo.synchronizer.model.channels.values()].some(channel => channel.type === "established")
}

function hubEstablished(hub: Repo): boolean {
  return [...hub.synchronizer.model.channels.values()].filter(channel => channel.type === "established").length === 2
}

async function until(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(() => {
    if (!condition()) throw new Error(`waiting for ${what}`)
  })
}

/** Everything posted so far, after a flush, with every envelope checked the way the relay checks it. */
function posted(world: World): HookToPanelMessage[] {
  world.hook.flush()
  world.transport.posted.forEach((envelope, index) => {
    expect(checkHookToRelay(envelope)).toEqual({ ok: true, value: envelope })
    expect(envelope.seq).toBe(index)
  })
  return world.transport.messages()
}

function repoIdOf(world: World, label: string): string {
  const info = world.hook.repos().find(repo => repo.label === label)
  if (!info) throw new Error(`no repo labelled ${label}`)
  return info.repoId
}

function eventsOf(messages: HookToPanelMessage[], repoId: string): HookEvent[] {
  return messages.flatMap(message => (message.type === "repo/events" && message.repoId === repoId ? message.events : []))
}

function ofKind<K extends HookEvent["kind"]>(events: HookEvent[], kind: K): Event<K>[] {
  return events.filter((event): event is Event<K> => event.kind === kind)
}

function record(value: WireValue | undefined): Record<string, WireValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}
}

/** Decodes the ephemeral store payloads a serialized channel message carries (batches unpacked). */
function ephemeralEntries(message: WireValue): DecodedEntry[] {
  const body = record(message)
  if (body.type === "channel/batch") return (body.messages as WireValue[]).flatMap(ephemeralEntries)
  const stores = body.type === "channel/ephemeral" ? body.stores : body.ephemeral
  if (!Array.isArray(stores)) return []
  return stores.flatMap(store => {
    const data = record(record(store).data)
    expect(data).toMatchObject({ [SUMMARY_TAG]: "bytes", truncated: false })
    return decodeEphemeralStore(hexToBytes(data.hex as string)!)
  })
}

/** An independent log of alice's update function, installed before the hook wraps it. */
function recordUpdates(repo: Repo) {
  const sync = repo.synchronizer as unknown as { updateFn: (message: unknown, model: unknown) => [unknown, unknown?] }
  const original = sync.updateFn
  const log: Array<{ type: string; commands: Array<[string, number]> }> = []
  const results: unknown[] = []
  const flatten = (command: unknown, depth: number, into: Array<[string, number]>) => {
    if (!command) return into
    const { type, commands } = command as { type: string; commands?: unknown[] }
    into.push([type, depth])
    if (type === "cmd/batch") for (const child of commands ?? []) flatten(child, depth + 1, into)
    return into
  }
  const recorder = function (this: unknown, message: unknown, model: unknown) {
    const result = original.call(this, message, model)
    log.push({ type: (message as { type: string }).type, commands: flatten(result[1], 0, []) })
    results.push(result)
    return result
  }
  sync.updateFn = recorder
  return { log, results, recorder, original }
}

describe("the hook on a hub and two spokes", () => {
  it("records connect, presence, update and disconnect in order", async () => {
    const world = createWorld()
    const aliceUpdates = recordUpdates(world.alice)
    world.hook.register(world.hub, { label: "hub" })
    world.hook.register(world.alice, { label: "alice" })
    world.hook.register(world.bob, { label: "bob" })
    world.relay({ type: "panel/subscribe" })

    const { alice: aliceRoom, bob: bobRoom } = world.handles
    await world.connect()
    const alicePeer = world.alice.identity.peerId
    aliceRoom.presence.setSelf({ name: "alice", x: 1 })
    await until(() => bobRoom.presence.peers.get(alicePeer)?.x === 1, "bob to see x = 1")
    aliceRoom.presence.setSelf({ name: "alice", x: 2 })
    await until(() => bobRoom.presence.peers.get(alicePeer)?.x === 2, "bob to see x = 2")
    await world.alice.removeAdapter("alice")
    await until(() => !bobRoom.presence.peers.has(alicePeer), "alice's presence gone at bob")

    const ids = { hub: repoIdOf(world, "hub"), alice: repoIdOf(world, "alice"), bob: repoIdOf(world, "bob") }
    // Emitter listeners run asynchronously: wait for bob's last one.
    await vi.waitFor(() => {
      const changes = ofKind(eventsOf(posted(world), ids.bob), "emitter").filter(e => e.name === "ephemeral-change")
      expect(changes.at(-1)?.data).toMatchObject({ source: "remote", peerId: alicePeer })
      expect(changes.length).toBeGreaterThanOrEqual(3)
    })
    const messages = posted(world)

    // Hello first, then every repo with its snapshot.
    expect(messages[0]).toEqual({
      type: "hook/hello",
      protocol: PROTOCOL_VERSION,
      hookVersion: world.hook.version,
      url: "http://app.test/",
      instance: expect.any(String),
    })
    expect(messages.slice(1, 4).map(m => m.type === "repo/registered" && m.repo.label)).toEqual(["hub", "alice", "bob"])

    // One id sequence across repos, strictly increasing.
    const all = messages.flatMap(m => (m.type === "repo/events" ? m.events : []))
    expect(all.map(e => e.id)).toEqual(all.map((_, i) => i + 1))

    // Synchronizer messages: exactly alice's update-function calls, in order, with their commands.
    const aliceEvents = eventsOf(messages, ids.alice)
    const syncMessages = ofKind(aliceEvents, "sync-message")
    expect(syncMessages.map(e => ({ type: e.msgType, commands: e.commands.map(c => [c.type, c.depth]) }))).toEqual(aliceUpdates.log)
    expect(syncMessages.map(e => e.msgType)).toEqual(
      expect.arrayContaining([
        "synchronizer/doc-ensure",
        "synchronizer/channel-added",
        "synchronizer/establish-channel",
        "synchronizer/ephemeral-local-change",
        "synchronizer/channel-removed",
      ]),
    )
    const removal = ofKind(eventsOf(messages, ids.hub), "sync-message").find(e => e.msgType === "synchronizer/channel-removed")!
    expect(removal.commands.map(c => [c.type, c.depth])).toEqual([
      ["cmd/batch", 0],
      ["cmd/stop-channel", 1],
      ["cmd/remove-ephemeral-peer", 1],
    ])
    expect(removal.commands[2]!.detail).toEqual({ peerId: alicePeer })
    // The peer stays in the model with no channels; its channel is gone.
    expect(removal.delta.peers?.find(p => p.identity.peerId === alicePeer)).toMatchObject({ channels: [] })
    expect(removal.delta.channels?.map(c => c.peerId)).toEqual([world.bob.identity.peerId])

    // Outbound: the handshake as establishment messages, then alice's presence frames.
    const aliceOut = ofKind(aliceEvents, "channel-out")
    const aliceChannel = syncMessages.find(e => e.msgType === "synchronizer/channel-added")!.delta.channels![0]!.channelId
    expect(aliceOut[0]).toMatchObject({ msgType: "channel/establish-request", establishment: true, toChannelIds: [aliceChannel] })
    expect(aliceOut.filter(e => e.establishment).map(e => e.msgType)).toEqual(["channel/establish-request"])
    const sentPresence = aliceOut.flatMap(e => ephemeralEntries(e.message)).filter(entry => entry.key === alicePeer)
    expect(sentPresence.map(entry => entry.value)).toEqual([
      { name: "alice", x: 1 },
      { name: "alice", x: 2 },
    ])

    // Inbound at bob: frames relayed by the hub, attributed to the hub's peer id; the last one carries the tombstone.
    const hubPeer = world.hub.identity.peerId
    const bobIn = ofKind(eventsOf(messages, ids.bob), "channel-in")
    expect(bobIn[0]).toMatchObject({ msgType: "channel/establish-response", peerId: hubPeer })
    expect(new Set(bobIn.map(e => e.peerId))).toEqual(new Set([hubPeer]))
    const framesAtBob = bobIn.filter(e => ephemeralEntries(e.message).some(entry => entry.key === alicePeer))
    expect(framesAtBob.map(e => e.msgType)).toEqual(["channel/ephemeral", "channel/ephemeral", "channel/batch"])
    expect(framesAtBob.every(e => e.size > 0)).toBe(true)
    const relayed = framesAtBob.flatMap(e => ephemeralEntries(e.message)).filter(entry => entry.key === alicePeer)
    expect(relayed.map(entry => (entry.deleted ? "deleted" : entry.value))).toEqual([
      { name: "alice", x: 1 },
      { name: "alice", x: 2 },
      "deleted",
    ])

    // Store events at bob: alice's key, decoded values, increasing writer timestamps, a tombstone at the end.
    const bobStore = ofKind(eventsOf(messages, ids.bob), "store").flatMap(e => e.entries.map(entry => ({ by: e.by, ...entry })))
    const aliceKey = bobStore.filter(entry => entry.key === alicePeer)
    expect(aliceKey.map(entry => (entry.deleted ? "deleted" : entry.value))).toEqual([
      { name: "alice", x: 1 },
      { name: "alice", x: 2 },
      "deleted",
    ])
    expect(aliceKey.every(entry => entry.by === "import")).toBe(true)
    const stamps = aliceKey.map(entry => entry.timestamp!)
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b))
    expect(new Set(stamps).size).toBe(3)
    // The timestamps are the writer's: the same as alice's own store events.
    const aliceStamps = ofKind(aliceEvents, "store")
      .flatMap(e => e.entries)
      .filter(e => e.key === alicePeer)
      .map(e => e.timestamp)
    expect(stamps.slice(0, 2)).toEqual(aliceStamps.slice(0, 2))
    // The hub wrote the tombstone itself when alice's last channel went away.
    const hubTombstone = ofKind(eventsOf(messages, ids.hub), "store").find(e =>
      e.entries.some(entry => entry.key === alicePeer && entry.deleted),
    )
    expect(hubTombstone).toMatchObject({ by: "local", docId: DOC, namespace: "presence" })
    expect(hubTombstone!.entries[0]!.timestamp).toBe(stamps[2])

    // Stores created after registration are announced.
    expect(ofKind(aliceEvents, "store-created")).toMatchObject([{ docId: DOC, namespace: "presence" }])

    // Emitter events.
    const bobEmitter = ofKind(eventsOf(messages, ids.bob), "emitter")
    expect(bobEmitter.map(e => e.name)).toEqual(expect.arrayContaining(["ready-state-changed", "ephemeral-change"]))
    expect(bobEmitter.find(e => e.name === "ready-state-changed")!.data).toMatchObject({ docId: DOC })
  })

  it("sends a snapshot at registration that equals the model", async () => {
    const world = createWorld()
    const { hub: hubRoom, alice: aliceRoom, bob: bobRoom } = world.handles
    await world.connect()
    aliceRoom.presence.setSelf({ name: "alice", x: 7 })
    bobRoom.presence.setSelf({ name: "bob", x: 8 })
    hubRoom.change(draft => draft.title.insert(0, "hello"))
    await until(() => hubRoom.presence.peers.size === 2, "the hub to see both spokes")
    await world.alice.removeAdapter("alice")
    await until(() => hubRoom.presence.peers.size === 1, "alice's presence removed at the hub")

    world.relay({ type: "panel/subscribe" })
    world.hook.register(world.hub)
    const registered = posted(world).find(m => m.type === "repo/registered")
    if (registered?.type !== "repo/registered") throw new Error("no repo/registered")

    const model = world.hub.synchronizer.model
    expect(registered.repo).toMatchObject({
      label: "hub",
      name: "hub",
      peerId: world.hub.identity.peerId,
      identityType: "service",
      libraryVersion: "5.x",
      origin: "register",
    })
    expect(registered.repo.taps).toEqual(ALL_TAPS.map(tap => ({ tap, enabled: true })))
    expect(registered.snapshot.identity).toEqual({ peerId: model.identity.peerId, name: "hub", type: "service" })
    expect(registered.snapshot.channels).toEqual(
      [...model.channels.values()].map(c => ({
        channelId: c.channelId,
        type: c.type,
        kind: c.kind,
        adapterType: c.adapterType,
        ...(c.type === "established" ? { peerId: c.peerId } : {}),
      })),
    )
    expect(registered.snapshot.peers).toEqual(
      [...model.peers.values()].map(peer => ({
        identity: { peerId: peer.identity.peerId, type: peer.identity.type, ...(peer.identity.name ? { name: peer.identity.name } : {}) },
        channels: [...peer.channels],
        subscriptions: [...peer.subscriptions],
        docSyncStates: [...peer.docSyncStates].map(([docId, state]) => ({
          docId,
          status: state.status,
          ...(state.status === "synced" ? { lastKnownVersion: Object.fromEntries(state.lastKnownVersion.toJSON()) } : {}),
          lastUpdated: state.lastUpdated.getTime(),
        })),
      })),
    )
    expect(registered.snapshot.peers.find(p => p.identity.peerId === world.alice.identity.peerId)?.channels).toEqual([])
    expect(registered.snapshot.documents).toEqual([
      { docId: DOC, version: Object.fromEntries(hubRoom.loroDoc.version().toJSON()), readyStates: expect.any(Array) },
    ])
    // Stores: bob's live value, alice's tombstone, each with a writer timestamp.
    const [presence] = registered.stores
    expect(presence).toMatchObject({ docId: DOC, namespace: "presence" })
    const entries = Object.fromEntries(presence!.entries.map(e => [e.key, e]))
    expect(entries[world.bob.identity.peerId]).toMatchObject({
      value: { name: "bob", x: 8 },
      deleted: false,
      timestamp: expect.any(Number),
    })
    expect(entries[world.alice.identity.peerId]).toMatchObject({ deleted: true, timestamp: expect.any(Number) })
    expect(entries[world.alice.identity.peerId]).not.toHaveProperty("value")
    expect(Object.keys(entries).sort()).toEqual([world.alice.identity.peerId, world.bob.identity.peerId].sort())
  })

  it("queues and posts nothing, and encodes nothing, while no panel listens", async () => {
    const world = createWorld()
    for (const [label, repo] of [
      ["hub", world.hub],
      ["alice", world.alice],
      ["bob", world.bob],
    ] as const)
      world.hook.register(repo, { label })
    const { alice: aliceRoom, bob: bobRoom } = world.handles
    const encodes = [world.hub, world.alice, world.bob].map(repo =>
      vi.spyOn(repo.synchronizer.getNamespacedStore(DOC, "presence")!, "encode"),
    )
    await world.connect()
    aliceRoom.presence.setSelf({ name: "alice", x: 1 })
    await until(() => bobRoom.presence.peers.get(world.alice.identity.peerId)?.x === 1, "bob to see alice")

    world.hook.flush()
    expect(world.transport.posted).toEqual([])
    expect(world.hook.stats()).toMatchObject({ listening: false, queued: 0 })
    // The wrapping taps saw the traffic and only counted it; the subscribing
    // taps (emitter, stores) are not even attached while nobody listens.
    const counts = world.hook.stats().repos.find(repo => repo.repoId === repoIdOf(world, "alice"))!.counts
    for (const tap of ALL_TAPS.filter(tap => tap !== "emitter" && tap !== "stores")) expect(counts[tap], tap).toBeGreaterThan(0)
    expect(counts.emitter).toBe(0)
    expect(counts.stores).toBe(0)
    for (const encode of encodes) expect(encode).not.toHaveBeenCalled()

    // A panel subscribes: from now on events flow. The writer's set() is
    // followed by encode(key); an import is shipped as its bytes, so the
    // receiver's store is never read back.
    world.relay({ type: "panel/subscribe" })
    aliceRoom.presence.setSelf({ name: "alice", x: 2 })
    await until(() => bobRoom.presence.peers.get(world.alice.identity.peerId)?.x === 2, "bob to see the update")
    expect(eventsOf(posted(world), repoIdOf(world, "bob")).some(e => e.kind === "store")).toBe(true)
    expect(encodes[1]).toHaveBeenCalled()
    expect(encodes[2]).not.toHaveBeenCalled()
    // The emitter tap attached with the panel (its listeners run asynchronously).
    await vi.waitFor(() => expect(eventsOf(posted(world), repoIdOf(world, "bob")).some(e => e.kind === "emitter")).toBe(true))

    // It leaves: queued events are dropped, nothing more is posted.
    aliceRoom.presence.setSelf({ name: "alice", x: 3 })
    const wroteAt = Date.now()
    world.relay({ type: "panel/unsubscribe" })
    const before = world.transport.posted.length
    await until(() => bobRoom.presence.peers.get(world.alice.identity.peerId)?.x === 3, "bob to see x = 3")
    // Two writes in one millisecond tie, and the library drops the second: write in the next one.
    await until(() => Date.now() > wroteAt, "the clock to move on")
    aliceRoom.presence.setSelf({ name: "alice", x: 4 })
    await until(() => bobRoom.presence.peers.get(world.alice.identity.peerId)?.x === 4, "bob to see x = 4")
    world.hook.flush()
    expect(world.transport.posted.length).toBe(before)
    expect(world.hook.stats().queued).toBe(0)
  })
})

describe("stores created later", () => {
  it("are followed, external stores included, on both ends", async () => {
    const world = createWorld()
    world.relay({ type: "panel/subscribe" })
    world.hook.register(world.alice, { label: "alice" })
    world.hook.register(world.bob, { label: "bob" })
    const { alice: aliceRoom, bob: bobRoom } = world.handles
    await world.connect()
    const external = new EphemeralStore(60_000)
    try {
      aliceRoom.addEphemeral("cursors", external)
      expect(() => aliceRoom.addEphemeral("cursors", external)).toThrow(/already exists/)
      external.set(world.alice.identity.peerId, { x: 3, y: 4 })
      await until(() => bobRoom.getEphemeral("cursors")?.get(world.alice.identity.peerId) !== undefined, "bob to get the cursor")

      const messages = posted(world)
      for (const label of ["alice", "bob"]) {
        const events = eventsOf(messages, repoIdOf(world, label))
        expect(
          ofKind(events, "store-created").map(e => e.namespace),
          label,
        ).toEqual(["presence", "cursors"])
        const cursor = ofKind(events, "store")
          .filter(e => e.namespace === "cursors")
          .flatMap(e => e.entries)
        expect(cursor, label).toContainEqual(
          expect.objectContaining({ key: world.alice.identity.peerId, value: { x: 3, y: 4 }, deleted: false }),
        )
      }
    } finally {
      external.destroy()
    }
  })
})

describe("unregister", () => {
  it("restores every wrapped function exactly and stops observing", async () => {
    const world = createWorld()
    const { alice: aliceRoom, bob: bobRoom } = world.handles
    await world.connect()
    const sync = world.alice.synchronizer
    const syncProto = Object.getPrototypeOf(sync) as object
    const adapters = sync.adapters
    const adaptersProto = Object.getPrototypeOf(adapters) as Record<string, unknown>
    const original = {
      updateFn: sync.updateFn,
      send: adapters.send,
      sendEstablishmentMessage: adapters.sendEstablishmentMessage,
      getOrCreateNamespacedStore: sync.getOrCreateNamespacedStore,
      registerExternalStore: sync.registerExternalStore,
      emit: sync.emitter.emit,
      listeners: sync.emitter.listenerCount(),
    }
    const presenceStore = sync.docNamespacedStores.get(DOC)?.get("presence") as unknown as Record<string, unknown>
    expect(presenceStore).toBeDefined()
    const storeMethods = ["set", "delete", "apply", "touch"] as const
    const channelsNow = adapters.adapters.flatMap(adapter => [...adapter.channels])
    const onReceiveNow = channelsNow.map(channel => channel.onReceive)

    world.relay({ type: "panel/subscribe" })
    const unregister = world.hook.register(world.alice, { label: "alice" })
    expect(sync.updateFn).not.toBe(original.updateFn)
    expect(adapters.send).not.toBe(original.send)
    expect(adapters.sendEstablishmentMessage).not.toBe(original.sendEstablishmentMessage)
    expect(sync.getOrCreateNamespacedStore).not.toBe(original.getOrCreateNamespacedStore)
    expect(sync.registerExternalStore).not.toBe(original.registerExternalStore)
    // The emitter and the stores are wrapped (own properties), not listened to.
    expect(Object.hasOwn(sync.emitter, "emit")).toBe(true)
    expect(sync.emitter.emit).not.toBe(original.emit)
    expect(sync.emitter.listenerCount()).toBe(original.listeners)
    for (const method of storeMethods) expect(Object.hasOwn(presenceStore, method), method).toBe(true)
    expect(channelsNow.map(channel => channel.onReceive)).not.toContain(onReceiveNow[0])
    // A second register of the same repo is the same registration.
    expect(world.hook.register(world.alice)).toBeTypeOf("function")
    expect(world.hook.repos()).toHaveLength(1)

    // A channel added while registered (wrapped on channel-added) is restored too.
    const extra = new Bridge()
    await world.alice.addAdapter(new BridgeAdapter({ bridge: extra, adapterType: "alice-extra" }))
    const lonely = new Repo({ identity: { name: "carol" }, adapters: [new BridgeAdapter({ bridge: extra, adapterType: "carol" })] })
    await until(() => [...sync.model.channels.values()].filter(c => c.type === "established").length === 2, "alice's second channel")
    const addedChannel = adapters.getAdapter("alice-extra")!.channels
    aliceRoom.presence.setSelf({ name: "alice", x: 1 })
    await until(() => bobRoom.presence.peers.get(world.alice.identity.peerId)?.x === 1, "traffic while registered")

    const repoId = repoIdOf(world, "alice")
    unregister()
    expect(sync.updateFn).toBe(original.updateFn)
    expect(adapters.send).toBe(original.send)
    expect(adapters.send).toBe(adaptersProto.send)
    expect(Object.hasOwn(adapters, "send")).toBe(false)
    expect(Object.hasOwn(adapters, "sendEstablishmentMessage")).toBe(false)
    expect(adapters.sendEstablishmentMessage).toBe(original.sendEstablishmentMessage)
    expect(sync.getOrCreateNamespacedStore).toBe(original.getOrCreateNamespacedStore)
    expect(Object.hasOwn(sync, "getOrCreateNamespacedStore")).toBe(false)
    expect(sync.registerExternalStore).toBe((syncProto as Record<string, unknown>).registerExternalStore)
    expect(sync.emitter.listenerCount()).toBe(original.listeners)
    expect(sync.emitter.emit).toBe(original.emit)
    expect(Object.hasOwn(sync.emitter, "emit")).toBe(false)
    for (const method of storeMethods) expect(Object.hasOwn(presenceStore, method), method).toBe(false)
    expect(channelsNow.map(channel => channel.onReceive)).toEqual(onReceiveNow)
    for (const channel of [...addedChannel, ...sync.model.channels.values()]) {
      expect(channel.onReceive.name).not.toBe("tappedOnReceive")
    }
    // The model's copies of the channels hold the adapters' originals again.
    for (const copy of sync.model.channels.values()) {
      const live = adapters.adapters.flatMap(adapter => [...adapter.channels]).find(channel => channel.channelId === copy.channelId)
      expect(copy.onReceive).toBe(live?.onReceive)
    }
    unregister() // idempotent

    const messages = posted(world)
    expect(messages.at(-1)).toEqual({ type: "repo/unregistered", repoId, reason: "unregistered" })
    const count = world.transport.posted.length
    aliceRoom.presence.setSelf({ name: "alice", x: 2 })
    await until(() => bobRoom.presence.peers.get(world.alice.identity.peerId)?.x === 2, "traffic after unregister")
    expect(posted(world)).toHaveLength(messages.length)
    expect(world.transport.posted).toHaveLength(count)
    expect(world.hook.repos()).toEqual([])
    lonely.synchronizer.stopHeartbeat()
  })
})

describe("a tap that throws", () => {
  it("turns itself off, reports why, restores what it wrapped, and the app keeps syncing", async () => {
    const world = createWorld()
    world.relay({ type: "panel/subscribe" })
    const aliceSync = world.alice.synchronizer
    const originalUpdateFn = aliceSync.updateFn
    const faults = { throwIn: ALL_TAPS }
    world.hook.register(world.hub, { label: "hub", __faultInjection: faults })
    world.hook.register(world.alice, { label: "alice", __faultInjection: faults })
    world.hook.register(world.bob, { label: "bob", __faultInjection: { throwIn: ["stores", "channel-receive"] } })

    const { alice: aliceRoom, bob: bobRoom } = world.handles
    await world.connect()
    aliceRoom.presence.setSelf({ name: "alice", x: 5 })
    await until(() => bobRoom.presence.peers.get(world.alice.identity.peerId)?.x === 5, "presence to sync through broken taps")
    bobRoom.presence.setSelf({ name: "bob", x: 6 })
    await until(() => aliceRoom.presence.peers.get(world.bob.identity.peerId)?.x === 6, "presence to sync back")
    await vi.waitFor(() =>
      expect(
        world.hook
          .repos()
          .find(r => r.label === "alice")!
          .taps.filter(t => t.enabled),
      ).toEqual([]),
    )

    const messages = posted(world)
    const disabled = messages.filter((m): m is Extract<HookToPanelMessage, { type: "repo/tap-disabled" }> => m.type === "repo/tap-disabled")
    const aliceId = repoIdOf(world, "alice")
    expect(
      disabled
        .filter(m => m.repoId === aliceId)
        .map(m => m.tap)
        .sort(),
    ).toEqual([...ALL_TAPS].sort())
    expect(disabled.find(m => m.repoId === aliceId && m.tap === "channel-receive")!.reason).toBe(
      "Error: fault injected into the channel-receive tap",
    )
    expect(world.hook.repos().find(r => r.label === "alice")!.taps).toContainEqual({
      tap: "update-fn",
      enabled: false,
      reason: "Error: fault injected into the update-fn tap",
    })
    expect(aliceSync.updateFn).toBe(originalUpdateFn)
    expect(Object.hasOwn(aliceSync.adapters, "send")).toBe(false)

    // Bob's other taps kept working.
    const bob = world.hook.repos().find(r => r.label === "bob")!
    expect(
      bob.taps
        .filter(t => !t.enabled)
        .map(t => t.tap)
        .sort(),
    ).toEqual(["channel-receive", "stores"])
    const bobEvents = eventsOf(messages, bob.repoId)
    expect(new Set(bobEvents.map(e => e.kind))).toEqual(new Set(["sync-message", "channel-out", "emitter"]))
  })

  it("never changes what the wrapped function returns or throws", () => {
    const world = createWorld()
    const recorder = recordUpdates(world.alice)
    world.relay({ type: "panel/subscribe" })
    world.hook.register(world.alice)
    const sync = world.alice.synchronizer
    const result = sync.updateFn({ type: "synchronizer/heartbeat" }, sync.model)
    expect(result).toBe(recorder.results.at(-1))

    const broken = { type: "synchronizer/channel-added", channel: null } as never
    let direct: unknown
    try {
      recorder.original(broken, sync.model)
    } catch (error) {
      direct = error
    }
    expect(direct).toBeInstanceOf(TypeError)
    expect(() => sync.updateFn(broken, sync.model)).toThrow((direct as Error).message)
    expect(sync.adapters.send({ toChannelIds: [], message: { type: "channel/directory-request" } })).toBe(0)
  })
})
