/**
 * The hook on real automerge-repo repos (2.5.6): a sync server and two
 * clients on the library's MessageChannel adapter, Presence instances on a
 * shared document, and the panel's own transport and reducer behind the
 * hook. Nothing of the library is faked.
 */
import type { Presence } from "@automerge/automerge-repo"
import { decode } from "cbor-x"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { HookEvent, WireValue } from "../../protocol/messages"
import { hexToBytes } from "../../codec/hex"
import type { PanelState } from "../../devtools-panel/state/panel-state"
import { createAutomergeWorld, type AutomergeWorld } from "../support/automerge-world"
import { createHookHarness, type HookHarness } from "../support/hook-harness"

type Event<K extends HookEvent["kind"]> = Extract<HookEvent, { kind: K }>

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function setUp(): { world: AutomergeWorld; harness: HookHarness } {
  const world = createAutomergeWorld()
  const harness = createHookHarness()
  cleanups.push(
    () => world.dispose(),
    () => harness.dispose(),
  )
  return { world, harness }
}

function ofKind<K extends HookEvent["kind"]>(events: HookEvent[], kind: K): Event<K>[] {
  return events.filter((event): event is Event<K> => event.kind === kind)
}

function record(value: WireValue | undefined): Record<string, WireValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}
}

/** An ephemeral message's data as the hook wrote it, decoded with automerge's own CBOR library. */
function decodedData(message: WireValue): unknown {
  const data = record(record(message).data)
  expect(data).toMatchObject({ $ephemera: "bytes", truncated: false })
  return decode(hexToBytes(data.hex as string)!)
}

/** A Presence's peer states by peer id (its PeerId type is a branded string). */
function states(presence: Presence<Record<string, unknown>>): Record<string, { value: Record<string, unknown> } | undefined> {
  return presence.getPeerStates().value
}

/** What a Presence holds, as channel -> peer -> value, its own state under its repo's peer id. */
function presenceMaps(presence: Presence<Record<string, unknown>>, selfId: string): Record<string, Record<string, unknown>> {
  const maps: Record<string, Record<string, unknown>> = {}
  const add = (peerId: string, state: Record<string, unknown>) => {
    for (const [channel, value] of Object.entries(state)) maps[channel] = { ...maps[channel], [peerId]: value }
  }
  for (const [peerId, state] of Object.entries(presence.getPeerStates().value)) add(peerId, state.value)
  add(selfId, presence.getLocalState())
  return maps
}

/** The panel's live maps of one repo's room, in the same shape (tombstones left out). */
function panelMaps(state: PanelState, repoId: string, docId: string): Record<string, Record<string, unknown>> {
  const maps: Record<string, Record<string, unknown>> = {}
  const room = state.repos.get(repoId)?.rooms.get(docId)
  for (const [namespace, entries] of room?.namespaces ?? []) {
    for (const [key, entry] of entries) if (!entry.deleted) maps[namespace] = { ...maps[namespace], [key]: entry.value }
  }
  return maps
}

describe("the automerge-repo source", () => {
  it("recognises a Repo, names its library and turns every tap on", () => {
    const { world, harness } = setUp()
    harness.hook.register(world.alice, { label: "alice" })
    expect(harness.hook.repos()).toMatchObject([
      { label: "alice", peerId: "alice", library: "automerge-repo", libraryVersion: "2.x", origin: "register" },
    ])
    const taps = harness.hook.repos()[0]!.taps
    expect(taps.map(tap => tap.tap)).toEqual(["peers", "network-in", "network-out", "sync-state", "handles", "presence"])
    expect(taps.every(tap => tap.enabled)).toBe(true)
  })

  it("logs every message in and out, ephemeral data whole and decodable by automerge's CBOR", async () => {
    const { world, harness } = setUp()
    harness.hook.register(world.alice, { label: "alice" })
    harness.hook.register(world.bob, { label: "bob" })
    harness.relay({ type: "panel/subscribe" })
    const handles = await world.openDoc()
    const received = vi.fn()
    handles.bob.on("ephemeral-message", received)
    handles.alice.broadcast({ hello: "bob", n: [1, 2, 3] })
    await vi.waitFor(() => expect(received).toHaveBeenCalled())

    const out = ofKind(harness.events(harness.repoId("alice")), "channel-out").filter(event => event.msgType === "ephemeral")
    expect(out).toHaveLength(1)
    expect(record(out[0]!.message)).toMatchObject({ type: "ephemeral", senderId: "alice", targetId: "server", count: 1 })
    expect(decodedData(out[0]!.message)).toEqual({ hello: "bob", n: [1, 2, 3] })
    // The channel is the hook's number for alice's adapter to the server.
    const aliceState = harness.panel().repos.get(harness.repoId("alice"))!
    expect(aliceState.model.channels).toEqual([
      expect.objectContaining({ channelId: out[0]!.toChannelIds[0], peerId: "server", kind: "network" }),
    ])

    const into = ofKind(harness.events(harness.repoId("bob")), "channel-in").filter(event => event.msgType === "ephemeral")
    expect(into).toHaveLength(1)
    // Relayed by the server: it came on bob's channel to the server, still from alice's session.
    expect(into[0]).toMatchObject({ peerId: "server" })
    expect(record(into[0]!.message)).toMatchObject({ senderId: "alice", sessionId: record(out[0]!.message).sessionId, count: 1 })
    expect(into[0]!.discarded).toBeUndefined()
    expect(decodedData(into[0]!.message)).toEqual({ hello: "bob", n: [1, 2, 3] })
    // Sync traffic is logged too.
    expect(ofKind(harness.events(harness.repoId("bob")), "channel-in").map(event => event.msgType)).toContain("sync")
  })

  it("says which gossip the network subsystem discarded, by session and count", async () => {
    const { world, harness } = setUp()
    harness.hook.register(world.bob, { label: "bob" })
    harness.relay({ type: "panel/subscribe" })
    const handles = await world.openDoc()
    await world.mesh()
    const received: unknown[] = []
    handles.bob.on("ephemeral-message", event => received.push(event.message))
    for (let n = 1; n <= 3; n++) handles.alice.broadcast({ n })
    const ephemeralIn = () => ofKind(harness.events(harness.repoId("bob")), "channel-in").filter(event => event.msgType === "ephemeral")
    // Each message reaches bob at least twice: directly, and through the server.
    await vi.waitFor(() => expect(ephemeralIn().length).toBeGreaterThanOrEqual(6))
    await vi.waitFor(() => expect(received.length).toBe(ephemeralIn().filter(event => event.discarded === undefined).length))
    // Alice's subsystem counts every send, not every message: the copy to the
    // server and the copy to bob carry different counts, so which copies bob
    // drops depends on their order. The hook's verdicts are exactly the
    // subsystem's: what it let through is what the handle got, in order.
    const passed = ephemeralIn().filter(event => event.discarded === undefined)
    expect(received).toEqual(passed.map(event => decodedData(event.message)))
    const discarded = ephemeralIn().filter(event => event.discarded !== undefined)
    expect(discarded.length).toBeGreaterThan(0)
    let highest = 0
    for (const event of ephemeralIn()) {
      const message = record(event.message)
      const count = message.count as number
      if (event.discarded === undefined) {
        expect(count).toBeGreaterThan(highest)
        highest = count
      } else {
        expect(count).toBeLessThanOrEqual(highest)
        expect(event.discarded).toBe(`duplicate: count ${count} of session ${message.sessionId} from alice was already seen`)
      }
    }
  })

  it("keeps the panel's maps equal to what every Presence reports, key for key", async () => {
    const { world, harness } = setUp()
    const ids = { alice: "", bob: "" }
    harness.hook.register(world.alice, { label: "alice" })
    harness.hook.register(world.bob, { label: "bob" })
    harness.relay({ type: "panel/subscribe" })
    ids.alice = harness.repoId("alice")
    ids.bob = harness.repoId("bob")
    const handles = await world.openDoc()
    // Alice's presence registered before it starts, bob's once it runs.
    const alice = world.presence(handles.alice, { user: { name: "alice" }, cursor: { x: 0, y: 0 } }, { heartbeatMs: 50 })
    harness.hook.register(alice)
    const bob = world.presence(handles.bob, { user: { name: "bob" }, cursor: { x: 5, y: 5 } }, { heartbeatMs: 50 })
    harness.hook.register(bob)
    await vi.waitFor(() => expect(Object.keys(bob.getPeerStates().value)).toEqual(["alice"]))
    await vi.waitFor(() => expect(Object.keys(alice.getPeerStates().value)).toEqual(["bob"]))
    for (let i = 0; i < 50; i++) {
      alice.broadcast("cursor", { x: i, y: 2 * i })
      if (i % 7 === 0) bob.broadcast("cursor", { x: -i, y: i })
      if (i % 10 === 0) bob.broadcast("typing", i % 20 === 0)
    }
    await vi.waitFor(() => expect(states(bob).alice?.value.cursor).toEqual({ x: 49, y: 98 }))
    await vi.waitFor(() => expect(states(alice).bob?.value.typing).toBe(true))
    const docId = handles.alice.documentId
    await vi.waitFor(() => {
      const state = harness.panel()
      expect(panelMaps(state, ids.alice, docId)).toEqual(presenceMaps(alice, "alice"))
      expect(panelMaps(state, ids.bob, docId)).toEqual(presenceMaps(bob, "bob"))
    })
    // Heartbeats re-stamp a peer's entries with its lastSeenAt, value unchanged.
    const seenAt = () => harness.panel().repos.get(ids.bob)!.rooms.get(docId)!.namespaces.get("user")!.get("alice")!.timestamp!
    const before = seenAt()
    await vi.waitFor(() => expect(seenAt()).toBeGreaterThan(before))
    expect(ofKind(harness.events(ids.bob), "emitter").map(event => event.name)).toEqual(
      expect.arrayContaining(["presence/snapshot", "presence/update", "presence/heartbeat"]),
    )
  })

  it("deletes a peer's entries on its goodbye, and by timeout when Presence prunes it", async () => {
    const { world, harness } = setUp()
    harness.hook.register(world.alice, { label: "alice" })
    harness.relay({ type: "panel/subscribe" })
    const handles = await world.openDoc()
    const alice = world.presence(handles.alice, { cursor: 1 }, { heartbeatMs: 40, peerTtlMs: 200 })
    harness.hook.register(alice)
    const bob = world.presence(handles.bob, { cursor: 2 }, { heartbeatMs: 40 })
    const carol = world.presence(handles.bob, { cursor: 3 }, { heartbeatMs: 40 })
    await vi.waitFor(() => expect(states(alice).bob).toBeDefined())
    void carol
    const entry = () =>
      harness.panel().repos.get(harness.repoId("alice"))!.rooms.get(handles.alice.documentId)?.namespaces.get("cursor")?.get("bob")
    await vi.waitFor(() => expect(entry()).toMatchObject({ deleted: false }))

    bob.stop()
    await vi.waitFor(() => expect(states(alice).bob).toBeUndefined())
    // Carol is on bob's repo too: her heartbeats bring "bob" back at alice.
    await vi.waitFor(() => expect(states(alice).bob).toBeDefined())
    const stores = () => ofKind(harness.events(harness.repoId("alice")), "store").filter(event => event.entries.some(e => e.key === "bob"))
    expect(stores().some(event => event.by === "import" && event.entries.some(e => e.deleted))).toBe(true)

    // Silence bob's repo without a goodbye: alice's Presence prunes it after its ttl.
    world.bob.networkSubsystem.disconnect()
    await vi.waitFor(() => expect(states(alice).bob).toBeUndefined(), { timeout: 2_000 })
    await vi.waitFor(() => expect(stores().at(-1)).toMatchObject({ by: "timeout", entries: [{ key: "bob", deleted: true }] }))
    expect(entry()).toMatchObject({ deleted: true })
    const pruning = ofKind(harness.events(harness.repoId("alice")), "emitter").find(event => event.name === "presence/pruning")
    expect(record(pruning?.data)).toMatchObject({ pruned: ["bob"] })
  })

  it('keeps the last raw broadcast of each sender in the namespace "broadcast"', async () => {
    const { world, harness } = setUp()
    harness.hook.register(world.bob, { label: "bob" })
    const handles = await world.openDoc()
    handles.alice.broadcast({ emoji: "👋" })
    handles.bob.broadcast({ emoji: "🎉" })
    await vi.waitFor(() => expect(harness.hook.stats().repos[0]!.counts.handles).toBeGreaterThanOrEqual(2))
    // Kept while no panel listened: the panel's first snapshot has them.
    harness.relay({ type: "panel/subscribe" })
    const maps = panelMaps(harness.panel(), harness.repoId("bob"), handles.bob.documentId)
    expect(maps.broadcast).toEqual({ alice: { emoji: "👋" }, bob: { emoji: "🎉" } })
  })

  it("sends the model as it changes: peers, channels, subscriptions and sync states, documents", async () => {
    const { world, harness } = setUp()
    harness.hook.register(world.alice, { label: "alice" })
    harness.relay({ type: "panel/subscribe" })
    const handles = await world.openDoc()
    const docId = handles.alice.documentId
    await vi.waitFor(() => {
      const { model } = harness.panel().repos.get(harness.repoId("alice"))!
      expect(model.peers).toEqual([
        expect.objectContaining({
          identity: { peerId: "server", type: "ephemeral" },
          subscriptions: [docId],
          docSyncStates: [expect.objectContaining({ docId, status: "has", lastKnownHeads: expect.any(Array) })],
        }),
      ])
      expect(model.documents).toEqual([
        expect.objectContaining({ docId, heads: handles.alice.heads(), readyStates: [expect.objectContaining({ status: "ready" })] }),
      ])
    })
    const models = ofKind(harness.events(harness.repoId("alice")), "model")
    expect(models.length).toBeGreaterThan(0)
    expect(models.map(event => event.cause).join(", ")).toContain("peer")

    world.alice.networkSubsystem.disconnect()
    await vi.waitFor(() => {
      const { model } = harness.panel().repos.get(harness.repoId("alice"))!
      expect(model.channels).toEqual([])
      // Gone, but remembered, as loro-extended keeps a disconnected peer.
      expect(model.peers).toEqual([expect.objectContaining({ identity: expect.objectContaining({ peerId: "server" }), channels: [] })])
    })
  })

  it("follows peers connected before it registered, and adapters added after", async () => {
    const { world, harness } = setUp()
    await world.openDoc()
    harness.hook.register(world.alice, { label: "alice" })
    harness.relay({ type: "panel/subscribe" })
    const model = () => harness.panel().repos.get(harness.repoId("alice"))!.model
    expect(model().channels).toEqual([expect.objectContaining({ peerId: "server", adapterType: "messagechannel" })])
    await world.mesh()
    await vi.waitFor(() =>
      expect(
        model()
          .channels.map(channel => channel.peerId)
          .sort(),
      ).toEqual(["bob", "server"]),
    )
  })

  it("puts every wrapped function back when the repo and presence are unregistered", async () => {
    const { world, harness } = setUp()
    const handles = await world.openDoc()
    const presence = world.presence(handles.alice, { cursor: 0 })
    const adapter = world.alice.networkSubsystem.adapters[0]!
    const owned = (target: object) => Object.getOwnPropertyNames(target).sort()
    const before = {
      network: owned(world.alice.networkSubsystem),
      synchronizer: owned(world.alice.synchronizer),
      adapter: owned(adapter),
      handle: owned(handles.alice),
      presence: owned(presence),
    }
    const unregisterRepo = harness.hook.register(world.alice, { label: "alice" })
    const unregisterPresence = harness.hook.register(presence)
    harness.relay({ type: "panel/subscribe" })
    presence.broadcast("cursor", 1)
    expect(owned(handles.alice)).not.toEqual(before.handle)
    expect(owned(presence)).not.toEqual(before.presence)
    unregisterRepo()
    unregisterPresence()
    expect({
      network: owned(world.alice.networkSubsystem),
      synchronizer: owned(world.alice.synchronizer),
      adapter: owned(adapter),
      handle: owned(handles.alice),
      presence: owned(presence),
    }).toEqual(before)
    // And the repo still works.
    const received = vi.fn()
    handles.bob.on("ephemeral-message", received)
    handles.alice.broadcast({ still: "working" })
    await vi.waitFor(() => expect(received).toHaveBeenCalled())
  })

  it("finds a Repo and a Presence on window, and attaches one by path", async () => {
    const world = createAutomergeWorld()
    const root: Record<string, unknown> = { repo: world.alice, app: {} }
    const harness = createHookHarness(root)
    cleanups.push(
      () => world.dispose(),
      () => harness.dispose(),
    )
    const handles = await world.openDoc()
    const presence = world.presence(handles.alice, { cursor: 0 })
    root.presence = presence
    harness.relay({ type: "panel/subscribe" })
    harness.relay({ type: "discovery/scan" })
    expect(harness.hook.repos()).toMatchObject([{ label: "window.repo", library: "automerge-repo", origin: "discovered" }])
    presence.broadcast("cursor", 7)
    await vi.waitFor(() =>
      expect(panelMaps(harness.panel(), harness.repoId("window.repo"), handles.alice.documentId)).toEqual({ cursor: { alice: 7 } }),
    )

    ;(root.app as Record<string, unknown>).bobRepo = world.bob
    harness.relay({ type: "attach/path", requestId: "a1", path: "app.bobRepo" })
    harness.relay({ type: "attach/path", requestId: "a2", path: "app.nothing" })
    const results = harness.messages().filter(message => message.type === "attach/result")
    expect(results).toEqual([
      { type: "attach/result", requestId: "a1", ok: true, repoId: harness.repoId("window.app.bobRepo") },
      { type: "attach/result", requestId: "a2", ok: false, error: "window.app.nothing is undefined" },
    ])
  })

  it.each([
    [
      ["network-in", "presence"],
      ["network-in", "presence"],
    ],
    [
      ["handles", "network-out", "sync-state"],
      ["handles", "network-out", "sync-state"],
    ],
  ] as const)("turns a failing tap off and never lets its error reach the app (%j)", async (throwIn, expected) => {
    const { world, harness } = setUp()
    harness.hook.register(world.bob, { label: "bob", __faultInjection: { throwIn } })
    harness.relay({ type: "panel/subscribe" })
    const handles = await world.openDoc()
    const bob = world.presence(handles.bob, { cursor: 0 }, { heartbeatMs: 40 })
    harness.hook.register(bob)
    world.presence(handles.alice, { cursor: 1 }, { heartbeatMs: 40 })
    await vi.waitFor(() => expect(states(bob).alice?.value).toEqual({ cursor: 1 }))
    await vi.waitFor(() => expect(Object.keys(world.alice.handles)).toHaveLength(1))
    await vi.waitFor(() => {
      const disabled = harness.messages().flatMap(message => (message.type === "repo/tap-disabled" ? [message.tap] : []))
      expect(disabled.sort()).toEqual([...expected])
    })
  })
})
