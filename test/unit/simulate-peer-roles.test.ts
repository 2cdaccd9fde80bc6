/**
 * Which member a simulated peer is shaped like, judged from a real room: a
 * hub that publishes the demo's server presence (`{type: "server", ...}`,
 * the demo's own room-stats code), two clients on real repos, and the real
 * page hook on alice feeding the panel's reducer. The default template must
 * come from a client, never from the server, and "shape like" any member
 * must give that member's value.
 */
import { Bridge, BridgeAdapter, Repo } from "@loro-extended/repo"
import { beforeAll, describe, expect, it, vi } from "vitest"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import { applyAll } from "../../devtools-panel/state/apply"
import { initialState, type RepoState, type RoomState } from "../../devtools-panel/state/panel-state"
import {
  learnsNothingFrom,
  type PeerProfile,
  profileMembers,
  templateSources,
  typicalClients,
} from "../../devtools-panel/simulate/peer-roles"
import { templateValue } from "../../devtools-panel/simulate/room-samples"
import { formatTemplate, parseTemplate, Slot } from "../../devtools-panel/simulate/template"
import { docIdForRoom, openRoom } from "../../demo/shared/room"
import { publishRoomStats } from "../../demo/server/room-stats"

const DOC = docIdForRoom("lobby")

async function until(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`waiting for ${what}`)
    },
    { timeout: 5000 },
  )
}

interface Scene {
  repo: RepoState
  room: RoomState
  ids: { hub: string; alice: string; bob: string }
}

/** A hub (identity type "user": its role must show from what it does) and two clients. */
async function scene(): Promise<Scene> {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
  const relay = (message: unknown) => transport.deliver(message)
  const hub = new Repo({ identity: { name: "game", type: "user" } })
  const alice = new Repo({ identity: { name: "alice" } })
  const bob = new Repo({ identity: { name: "bob" } })
  const stopStats = publishRoomStats(hub, "game")
  try {
    hook.register(alice, { label: "alice" })
    relay({ type: "panel/subscribe" })
    const toAlice = new Bridge()
    const toBob = new Bridge()
    await hub.addAdapter(new BridgeAdapter({ bridge: toAlice, adapterType: "hub-to-alice" }))
    await hub.addAdapter(new BridgeAdapter({ bridge: toBob, adapterType: "hub-to-bob" }))
    await alice.addAdapter(new BridgeAdapter({ bridge: toAlice, adapterType: "alice" }))
    await bob.addAdapter(new BridgeAdapter({ bridge: toBob, adapterType: "bob" }))
    const rooms = { alice: openRoom(alice, "lobby"), bob: openRoom(bob, "lobby") }
    rooms.alice.presence.setSelf({ name: "alice", color: "#f00" })
    rooms.alice.cursor.setSelf({ x: 100, y: 80 })
    rooms.bob.presence.setSelf({ name: "bob", color: "#00f" })
    rooms.bob.cursor.setSelf({ x: 700, y: 500 })
    const serverSeen = () => {
      const value = rooms.alice.presence.peers.get(hub.identity.peerId) as { clients?: number } | undefined
      return value?.clients === 2
    }
    await until(() => serverSeen() && rooms.alice.cursor.peers.get(bob.identity.peerId)?.x === 700, "alice to see the server and bob")
    hook.flush()
    const messages: BackgroundToPanelMessage[] = [
      { type: "background/page-status", connected: true, url: "http://app.test/" },
      ...transport
        .messages()
        .map((message, seq): BackgroundToPanelMessage => ({ type: "background/page-batch", batch: { seq, messages: [message] } })),
    ]
    const state = applyAll(initialState(), messages, Date.now())
    const repo = [...state.repos.values()][0]!
    return { repo, room: repo.rooms.get(DOC)!, ids: { hub: hub.identity.peerId, alice: alice.identity.peerId, bob: bob.identity.peerId } }
  } finally {
    stopStats()
    dispose()
    for (const repo of [hub, alice, bob]) repo.synchronizer.stopHeartbeat()
  }
}

describe("peer roles in a real room with a server presence", () => {
  let world: Scene
  beforeAll(async () => {
    world = await scene()
  }, 30_000)

  it("tells the server from the clients by what it does, not by its identity type", () => {
    const profiles = profileMembers(world.repo, world.room, new Set())
    const byId = new Map(profiles.map(profile => [profile.peerId, profile]))
    expect(byId.get(world.ids.hub)).toMatchObject({ role: "service", why: expect.stringMatching(/relays|publishes type: "server"/) })
    expect(byId.get(world.ids.alice)).toMatchObject({ role: "client", isSelf: true, name: "alice" })
    expect(byId.get(world.ids.bob)).toMatchObject({ role: "client", isSelf: false })
    expect(
      typicalClients(profiles)
        .map(profile => profile.peerId)
        .sort(),
    ).toEqual([world.ids.alice, world.ids.bob].sort())
  })

  it("starts the default template from a client: name and colour per peer, cursors spread", () => {
    const profiles = profileMembers(world.repo, world.room, new Set())
    const { from, values } = templateSources(profiles)
    expect(from?.role).toBe("client")
    expect(templateValue(values.get("presence"))).toEqual({ name: "{{name}}", color: "{{color}}" })
    const cursor = templateValue(values.get("cursor"), { x: [100, 700], y: [80, 500] })
    expect(cursor).toEqual({ x: new Slot({ kind: "rand", min: 100, max: 700 }), y: new Slot({ kind: "rand", min: 80, max: 500 }) })
    // The editor shows the ranges unquoted, and reads them back as ranges.
    expect(formatTemplate(cursor)).toMatch(/"x": \{\{rand 100 700\}\}/)
    expect(parseTemplate(formatTemplate(cursor))).toEqual({ ok: true, template: cursor })
  })

  it("shapes like any member chosen, the server included, and learns nothing from services or simulated peers", () => {
    const profiles = profileMembers(world.repo, world.room, new Set([world.ids.bob]))
    expect(profiles.map(profile => profile.peerId)).not.toContain(world.ids.bob)
    const { from, values } = templateSources(profiles, world.ids.hub)
    expect(from?.peerId).toBe(world.ids.hub)
    expect(values.get("presence")).toMatchObject({ type: "server", name: "game", clients: 2 })
    expect([...learnsNothingFrom(new Set([world.ids.bob]), profiles)].sort()).toEqual([world.ids.bob, world.ids.hub].sort())
  })
})

describe("the typical client", () => {
  const profile = (peerId: string, kind: string, lastChange: number, more: Partial<PeerProfile> = {}): PeerProfile => ({
    peerId,
    name: peerId,
    role: "client",
    isSelf: false,
    present: true,
    kind,
    lastChange,
    values: new Map([["presence", { kind }]]),
    ...more,
  })

  it("comes from the largest group of present clients, most recent first; never a service or a gone member", () => {
    const profiles = [
      profile("server", "type=server", 99, { role: "service", why: "x" }),
      profile("viewer", "presence{name}", 50),
      profile("p1", "type=client", 10),
      profile("p2", "type=client", 30),
      profile("gone1", "presence{name}", 60, { present: false }),
      profile("gone2", "presence{name}", 60, { present: false }),
    ]
    expect(typicalClients(profiles).map(member => member.peerId)).toEqual(["p2", "p1"])
    expect(templateSources(profiles).from?.peerId).toBe("p2")
  })

  it("breaks a tie by the most recent change, and is nobody when only services are present", () => {
    expect(typicalClients([profile("a", "k1", 5), profile("b", "k2", 9)]).map(member => member.peerId)).toEqual(["b"])
    const onlyServer = [profile("server", "type=server", 1, { role: "service", why: "x" })]
    expect(typicalClients(onlyServer)).toEqual([])
    expect(templateSources(onlyServer)).toEqual({ from: undefined, values: new Map() })
  })
})
