/**
 * Simulated peers behind automerge's real WebSocket sync server (the demo's,
 * on the registry's NodeWSServerAdapter), with clients on the registry's
 * WebSocketClientAdapter. That server drops a message whose sender is not
 * the socket's own peer, so a network-wide simulated peer must join it on a
 * connection of its own; a local one stays in the page's repo.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AutomergeUrl, type PeerId, Presence, Repo } from "@automerge/automerge-repo"
import { MessageChannelNetworkAdapter } from "@automerge/automerge-repo-network-messagechannel"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { startSyncServer, type SyncServer } from "../../demo/automerge/server/sync-server"
import type { RoomAnswer } from "../../demo/automerge/shared/room"
import { createAutomergeSimulationEngine } from "../../injected/simulate/automerge/engine"
import { findSyncServerSocket } from "../../injected/simulate/automerge/upstream"
import type { SimulationEngine } from "../../injected/simulate/engine"
import type { SimulatedPeerSpec } from "../../protocol/simulate"

type Presences = Presence<Record<string, unknown>>

let server: SyncServer
let staticDir: string
let engine: SimulationEngine
const clients: Repo[] = []
const presences: Presences[] = []

beforeEach(async () => {
  staticDir = await mkdtemp(join(tmpdir(), "sim-automerge-ws-"))
  server = await startSyncServer({ port: 0, staticDir })
})

afterEach(async () => {
  await engine?.dispose()
  for (const presence of presences.splice(0)) presence.stop()
  await Promise.all(clients.splice(0).map(repo => repo.shutdown()))
  await server.close()
  await rm(staticDir, { recursive: true, force: true })
})

/** A client in a room (by name), or on a document (by URL). */
async function joinRoom(room: string, user: string) {
  const url = room.startsWith("automerge:") ? room : ((await (await fetch(`${server.url}/rooms/${room}`)).json()) as RoomAnswer).url
  const repo = new Repo({ network: [new WebSocketClientAdapter(server.wsUrl)] })
  clients.push(repo)
  const handle = await repo.find<unknown>(url as AutomergeUrl)
  const presence: Presences = new Presence({ handle })
  presences.push(presence)
  presence.start({ initialState: { user } })
  return { repo, presence, docId: handle.documentId as string }
}

const spec = (docId: string, visibility: SimulatedPeerSpec["visibility"], x: number): SimulatedPeerSpec => ({
  name: `sim-${visibility}`,
  docId,
  visibility,
  namespaces: { cursor: { value: { x, y: 1 }, behaviour: { kind: "static" } } },
})

const stateAt = (presence: Presences, peerId: string) =>
  (presence.getPeerStates().value as Record<string, { value: Record<string, unknown> } | undefined>)[peerId]?.value

describe("simulated peers behind automerge's WebSocket sync server", () => {
  it("bring a network-wide peer to every client through the server, on its own connection", async () => {
    const alice = await joinRoom("wide", "alice")
    const bob = await joinRoom("wide", "bob")
    engine = createAutomergeSimulationEngine(alice.repo)
    const [peer] = engine.addPeers([spec(alice.docId, "network", 4)])
    await vi.waitFor(() => expect(stateAt(bob.presence, peer!.id)).toEqual({ cursor: { x: 4, y: 1 } }))
    // The page's own Presence hears it back from the server, like anyone else's.
    await vi.waitFor(() => expect(stateAt(alice.presence, peer!.id)).toEqual({ cursor: { x: 4, y: 1 } }))
    expect(server.repo.peers).toContain(peer!.id as PeerId)
    expect(engine.list()[0]).toMatchObject({ id: peer!.id, state: "live" })
    // No relay was needed in the page's repo.
    expect(alice.repo.peers.some(id => id.startsWith("ephemera-relay-"))).toBe(false)

    engine.updatePeer(peer!.id, { namespaces: { cursor: { value: { x: 7, y: 7 }, behaviour: { kind: "static" } } } })
    await vi.waitFor(() => expect(stateAt(bob.presence, peer!.id)?.cursor).toEqual({ x: 7, y: 7 }))

    await engine.removePeer(peer!.id)
    await vi.waitFor(() => expect(stateAt(bob.presence, peer!.id)).toBeUndefined())
    await vi.waitFor(() => expect(stateAt(alice.presence, peer!.id)).toBeUndefined())
    await vi.waitFor(() => expect(server.repo.peers).not.toContain(peer!.id as PeerId))
  })

  it("keeps a local peer in the page's repo while a network-wide one reaches the others", async () => {
    const alice = await joinRoom("mixed", "alice")
    const bob = await joinRoom("mixed", "bob")
    engine = createAutomergeSimulationEngine(alice.repo)
    const [local] = engine.addPeers([spec(alice.docId, "local", 2)])
    const [wide] = engine.addPeers([spec(alice.docId, "network", 3)])
    await vi.waitFor(() => expect(stateAt(alice.presence, local!.id)).toEqual({ cursor: { x: 2, y: 1 } }))
    await vi.waitFor(() => expect(stateAt(bob.presence, wide!.id)).toEqual({ cursor: { x: 3, y: 1 } }))
    expect(stateAt(bob.presence, local!.id)).toBeUndefined()
    expect(server.repo.peers).not.toContain(local!.id as PeerId)
  })

  it("announces itself to a client that joins later, as a Presence does on hearing a newcomer", async () => {
    const alice = await joinRoom("later", "alice")
    engine = createAutomergeSimulationEngine(alice.repo)
    const [peer] = engine.addPeers([spec(alice.docId, "network", 6)])
    await vi.waitFor(() => expect(stateAt(alice.presence, peer!.id)).toEqual({ cursor: { x: 6, y: 1 } }))
    const carol = await joinRoom("later", "carol")
    // Well before the peer's next heartbeat (5 s), which carries no state anyway.
    await vi.waitFor(() => expect(stateAt(carol.presence, peer!.id)).toEqual({ cursor: { x: 6, y: 1 } }), { timeout: 2_000 })
  })

  it("comes back with its whole state after the server restarts on the same port", async () => {
    const alice = await joinRoom("again", "alice")
    engine = createAutomergeSimulationEngine(alice.repo)
    const [peer] = engine.addPeers([spec(alice.docId, "network", 5)])
    await vi.waitFor(() => expect(engine.list()[0]?.state).toBe("live"))
    const port = server.port
    await server.close()
    await vi.waitFor(() => expect(engine.list()[0]?.state).toBe("connecting"))
    server = await startSyncServer({ port, staticDir })
    // Alice's adapter retries every 5 s, then her repo offers the server her document.
    await vi.waitFor(() => expect(Object.keys(server.repo.handles)).toContain(alice.docId), { timeout: 15_000 })
    // The new server has no rooms: bob asks for alice's document, which her repo gives the server again.
    const bob = await joinRoom(`automerge:${alice.docId}`, "bob")
    // The simulated peer's adapter retries likewise; then it arrives again with a snapshot.
    await vi.waitFor(() => expect(stateAt(bob.presence, peer!.id)).toEqual({ cursor: { x: 5, y: 1 } }), { timeout: 15_000 })
    expect(engine.list()[0]?.state).toBe("live")
  }, 40_000)
})

describe("finding the sync server's socket", () => {
  it("is the repo's WebSocket client adapter, and none over a MessageChannel", () => {
    const { port1, port2 } = new MessageChannel()
    const overChannel = new MessageChannelNetworkAdapter(port1)
    const found = findSyncServerSocket([overChannel, new WebSocketClientAdapter("ws://127.0.0.1:1/sync")])
    expect(found?.url).toBe("ws://127.0.0.1:1/sync")
    expect(found?.Adapter).toBe(WebSocketClientAdapter)
    expect(findSyncServerSocket([overChannel])).toBeUndefined()
    port1.close()
    port2.close()
  })
})
