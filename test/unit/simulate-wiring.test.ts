/**
 * The hook's simulate/* wiring against real repos: the panel's requests go
 * in as relay envelopes, the answers come out as posted batches, and the
 * effects are read from the repos' own stores. A hub joins spoke A (whose
 * page runs the hook) and spoke B, so network-wide peers and their removal
 * can be seen from a second page.
 */
import type { Repo } from "@loro-extended/repo"
import { afterEach, describe, expect, it } from "vitest"
import { memoryTransport, type MemoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import type { EphemeraHook } from "../../injected/hook/types"
import { createSimulationEngine, type SimulationEngine } from "../../injected/simulate/engine"
import type { HookToPanelMessage, PanelToHookMessage, SimulatedPeerSpec } from "../../protocol/messages"
import { checkHookToRelay } from "../../protocol/validate"
import { docIdForRoom } from "../../demo/shared/room"
import { bridgedLobby } from "../support/bridged-lobby"

const DOC = docIdForRoom("lobby")

type StateMessage = Extract<HookToPanelMessage, { type: "simulate/state" }>
type ErrorMessage = Extract<HookToPanelMessage, { type: "simulate/error" }>

interface World {
  a: Repo
  b: Repo
  hook: EphemeraHook
  transport: MemoryTransport
  repoId: string
  unregister: () => void
  /** Engines the hook created, in order. */
  engines: SimulationEngine[]
  hidePage(): void
  relay(message: PanelToHookMessage): void
  messages(): HookToPanelMessage[]
  states(repo: Repo, namespace: string): Record<string, unknown>
}

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setImmediate(resolve))
  }
}

async function createWorld(): Promise<World> {
  const { a, b, stop } = await bridgedLobby()
  cleanups.push(stop)
  const transport = memoryTransport()
  const engines: SimulationEngine[] = []
  const pageHide: Array<() => void> = []
  const { hook, dispose } = createHook({
    transport,
    url: () => "http://app.test/",
    root: {},
    onPageLeave: listener => pageHide.push(listener),
    createSimulationEngine: repo => {
      const engine = createSimulationEngine(repo)
      engines.push(engine)
      return engine
    },
  })
  cleanups.push(async () => {
    dispose()
    await Promise.all(engines.map(engine => engine.dispose()))
  })
  const relay = (message: PanelToHookMessage) => transport.deliver(message)
  const unregister = hook.register(a, { label: "alice" })
  return {
    a,
    b,
    hook,
    transport,
    repoId: hook.repos()[0]!.repoId,
    unregister,
    engines,
    hidePage: () => {
      for (const listener of pageHide) listener()
    },
    relay,
    messages() {
      hook.flush()
      for (const batch of transport.posted) expect(checkHookToRelay(batch).ok).toBe(true)
      return transport.messages()
    },
    states: (repo, namespace) => repo.synchronizer.getNamespacedStore(DOC, namespace)?.getAllStates() ?? {},
  }
}

function spec(name: string, visibility: "local" | "network" = "network"): SimulatedPeerSpec {
  return {
    name,
    docId: DOC,
    visibility,
    namespaces: {
      presence: { value: { name, color: "#0a0" }, behaviour: { kind: "static" } },
      cursor: { value: { x: 10, y: 20 }, behaviour: { kind: "random-walk", rateHz: 30, step: 5, bounds: { x: [0, 500], y: [0, 500] } } },
    },
  }
}

function lastState(world: World): StateMessage | undefined {
  return world
    .messages()
    .filter((message): message is StateMessage => message.type === "simulate/state")
    .at(-1)
}

function errorFor(world: World, requestId: string): ErrorMessage | undefined {
  return world.messages().find((message): message is ErrorMessage => message.type === "simulate/error" && message.requestId === requestId)
}

async function subscribedWorld(): Promise<World> {
  const world = await createWorld()
  world.relay({ type: "panel/subscribe" })
  return world
}

async function addLive(world: World, ...names: string[]): Promise<string[]> {
  world.relay({ type: "simulate/add", requestId: "add", repoId: world.repoId, peers: names.map(name => spec(name)) })
  const added = () => lastState(world)?.peers.filter(peer => names.includes(peer.name)) ?? []
  await until(() => added().length === names.length && added().every(peer => peer.state === "live"), "the peers to go live")
  const ids = added().map(peer => peer.id)
  await until(() => ids.every(id => world.states(world.b, "presence")[id] !== undefined), "B to see the peers")
  return ids
}

describe("simulate/* in the page hook", () => {
  it("creates no engine until the first simulate request, then one per repo", async () => {
    const world = await subscribedWorld()
    world.relay({ type: "discovery/scan" })
    world.relay({ type: "panel/unsubscribe" })
    world.relay({ type: "panel/subscribe" })
    expect(world.engines).toHaveLength(0)

    await addLive(world, "one")
    await addLive(world, "two")
    expect(world.engines).toHaveLength(1)
  })

  it("adds peers that reach the app and a second page, and reports them in simulate/state", async () => {
    const world = await subscribedWorld()
    const [id] = await addLive(world, "ghost")
    const state = lastState(world)!
    expect(state).toMatchObject({ repoId: world.repoId, keepOnClose: false })
    expect(state.peers[0]).toMatchObject({ id, name: "ghost", docId: DOC, visibility: "network", paused: false, state: "live" })
    expect(world.states(world.a, "presence")[id!]).toEqual({ name: "ghost", color: "#0a0" })
    expect(world.states(world.b, "presence")[id!]).toEqual({ name: "ghost", color: "#0a0" })
  })

  it("logs the peers' frames as channel-in on the relay channel, sent by the relay", async () => {
    const world = await subscribedWorld()
    const [id] = await addLive(world, "ghost")
    const channelId = lastState(world)!.peers[0]!.channelId
    const relayId = (world.a.synchronizer.model.channels.get(channelId) as { peerId: string }).peerId
    const inbound = world
      .messages()
      .flatMap(message => (message.type === "repo/events" ? message.events : []))
      .filter(event => event.kind === "channel-in" && event.channelId === channelId)
    const frames = inbound.filter(event => event.kind === "channel-in" && event.msgType === "channel/ephemeral")
    expect(frames.length).toBeGreaterThan(0)
    expect(frames.every(event => event.kind === "channel-in" && event.peerId === relayId)).toBe(true)
    expect(relayId).not.toBe(id)
  })

  it("maps pause, update and remove to the engine, each followed by a fresh simulate/state", async () => {
    const world = await subscribedWorld()
    const [first, second] = await addLive(world, "p1", "p2")
    world.relay({ type: "simulate/pause", requestId: "pause", repoId: world.repoId, peerId: first!, paused: true })
    expect(lastState(world)!.peers.find(peer => peer.id === first)?.paused).toBe(true)

    const patch = {
      namespaces: { presence: { value: { name: "renamed", color: "#123" }, behaviour: { kind: "static" as const } }, cursor: null },
    }
    world.relay({ type: "simulate/update", requestId: "update", repoId: world.repoId, peerId: second!, patch })
    await until(() => (world.states(world.b, "presence")[second!] as { name?: string })?.name === "renamed", "B to see the edit")
    await until(() => world.states(world.b, "cursor")[second!] === undefined, "the dropped namespace to be deleted")

    world.relay({ type: "simulate/remove", requestId: "remove", repoId: world.repoId, peerId: first! })
    await until(() => lastState(world)!.peers.length === 1, "the removal to be reported")
    await until(() => world.states(world.b, "presence")[first!] === undefined, "B to lose the removed peer")
    expect(world.states(world.b, "presence")[second!]).toBeDefined()

    world.relay({ type: "simulate/remove-all", requestId: "all", repoId: world.repoId })
    await until(
      () => lastState(world)!.peers.length === 0 && world.states(world.b, "presence")[second!] === undefined,
      "everything removed",
    )
  })

  it("answers bad requests with simulate/error and changes nothing", async () => {
    const world = await subscribedWorld()
    const bad = { ...spec("bad"), namespaces: { cursor: { value: { x: 1, y: 1 }, behaviour: { kind: "random-walk", rateHz: 0 } } } }
    world.relay({
      type: "simulate/add",
      requestId: "invalid",
      repoId: world.repoId,
      peers: [spec("fine"), bad as unknown as SimulatedPeerSpec],
    })
    world.relay({ type: "simulate/add", requestId: "no-room", repoId: world.repoId, peers: [{ ...spec("lost"), docId: "room:gone" }] })
    world.relay({ type: "simulate/add", requestId: "no-repo", repoId: "repo-404", peers: [spec("nowhere")] })
    world.relay({ type: "simulate/remove", requestId: "no-peer", repoId: world.repoId, peerId: "123456789012345" })

    expect(errorFor(world, "invalid")).toMatchObject({ code: "invalid-spec", message: expect.stringContaining("peers[1]") })
    expect(errorFor(world, "no-room")).toMatchObject({ code: "unknown-doc", message: expect.stringContaining("room:gone") })
    expect(errorFor(world, "no-repo")).toMatchObject({ code: "disposed", message: expect.stringContaining("repo-404") })
    expect(errorFor(world, "no-peer")).toMatchObject({ code: "unknown-peer" })
    // All or nothing: the valid spec next to the invalid one was not added either.
    expect(world.messages().some(message => message.type === "simulate/state" && message.peers.length > 0)).toBe(false)
    expect(Object.keys(world.states(world.a, "presence"))).toHaveLength(2)
  })

  it("removes the peers everywhere when the last panel leaves, unless asked to keep them", async () => {
    const world = await subscribedWorld()
    const [dropped] = await addLive(world, "dropped")
    world.relay({ type: "panel/unsubscribe" })
    await until(() => world.states(world.b, "presence")[dropped!] === undefined, "B to lose the peer")
    expect(world.states(world.a, "presence")[dropped!]).toBeUndefined()

    world.relay({ type: "panel/subscribe" })
    world.relay({ type: "simulate/set-keep-on-close", requestId: "keep", repoId: world.repoId, keep: true })
    expect(lastState(world)).toMatchObject({ keepOnClose: true, peers: [] })
    const [kept] = await addLive(world, "kept")
    world.relay({ type: "panel/unsubscribe" })
    // A removal would be queued right away: one engine tick later the peer is still there.
    await until(() => world.engines[0]!.stats().ticks > 3, "a few behaviour ticks")
    expect(world.states(world.b, "presence")[kept!]).toBeDefined()

    // A panel that comes back learns what is running, after the repo's own announcement.
    const before = world.messages().length
    world.relay({ type: "panel/subscribe" })
    const resync = world
      .messages()
      .slice(before)
      .map(message => message.type)
    expect(resync.indexOf("simulate/state")).toBeGreaterThan(resync.indexOf("repo/registered"))
    expect(lastState(world)).toMatchObject({ keepOnClose: true, peers: [{ id: kept, name: "kept" }] })
  })

  it("disposes a repo's engine when the repo is unregistered", async () => {
    const world = await subscribedWorld()
    const [id] = await addLive(world, "orphan")
    const adapters = () => world.a.adapters.filter(adapter => adapter.adapterType === "ephemera-simulated").length
    expect(adapters()).toBe(1)
    world.unregister()
    await until(() => world.states(world.b, "presence")[id!] === undefined && adapters() === 0, "the engine to clean up")
    world.relay({ type: "simulate/add", requestId: "late", repoId: world.repoId, peers: [spec("late")] })
    expect(errorFor(world, "late")).toMatchObject({ code: "disposed" })
  })

  it("removes every peer as the page leaves, says so once, and starts a fresh engine if the page is shown again", async () => {
    const world = await subscribedWorld()
    const [id] = await addLive(world, "leaving")
    const before = world.messages().length
    world.hidePage()
    await until(() => world.states(world.b, "presence")[id!] === undefined, "B to lose the peer as the page leaves")
    await until(() => world.messages().length > before, "the hook's last word")
    // One state, not the removal's steps: it may be all the page gets to send.
    expect(
      world
        .messages()
        .slice(before)
        .filter(message => message.type === "simulate/state"),
    ).toEqual([{ type: "simulate/state", repoId: world.repoId, peers: [], keepOnClose: false, pageLeft: true }])
    // Back from the back/forward cache: the panel can simulate again.
    await addLive(world, "again")
    expect(world.engines).toHaveLength(2)
  })
})
