/**
 * The standalone path with every real part, in Node: the demo hub (a real
 * Repo) connected to the standalone server through ephemera-devtools/node,
 * real spokes over WebSocket, and the panel's own socket transport feeding
 * the panel's reducer. What the panel holds must be what the hub holds.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Repo } from "@loro-extended/repo"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { WsClientAdapter } from "../../demo/client/ws-client-adapter"
import { type Hub, startHub } from "../../demo/server/hub"
import { openRoom, type RoomHandle } from "../../demo/shared/room"
import { applyAll } from "../../devtools-panel/state/apply"
import { initialState, type PanelState } from "../../devtools-panel/state/panel-state"
import { socketTransport, type SocketTransport } from "../../devtools-panel/transport/socket-transport"
import { panelSocketUrl, parseStandaloneAddress } from "../../protocol/standalone-address"
import { type StandaloneServer, startStandaloneServer } from "../../standalone/server/server"

const FAST_LINK = { minDelayMs: 20, maxDelayMs: 200, graceMs: 2_000 }

async function waitFor<T>(check: () => T, what: string, timeoutMs = 8_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

describe("standalone: a Node hub streamed to the panel", () => {
  let panelDir: string
  let server: StandaloneServer
  let hub: Hub
  let panel: SocketTransport
  let state: PanelState
  const spokes: Array<{ repo: Repo; adapter: WsClientAdapter; room: RoomHandle }> = []

  function openPanel(address: string): SocketTransport {
    const parsed = parseStandaloneAddress(address)
    if (!parsed.ok) throw new Error(parsed.error)
    const origin = parsed.value.origin.replace("ws:", "http:")
    const transport = socketTransport({
      socketUrl: panelSocketUrl(parsed.value),
      pageUrl: `${origin}/`,
      openSocket: url => new WebSocket(url, { origin }) as unknown as globalThis.WebSocket,
      minDelayMs: 20,
      maxDelayMs: 200,
    })
    transport.onMessage(message => (state = applyAll(state, [message], Date.now())))
    return transport
  }

  async function joinSpoke(name: string): Promise<{ repo: Repo; room: RoomHandle }> {
    const adapter = new WsClientAdapter({ url: hub.wsUrl, WebSocket })
    const repo = new Repo({ identity: { name, type: "user" }, adapters: [adapter] })
    const room = openRoom(repo, "standalone")
    spokes.push({ repo, adapter, room })
    await room.waitForSync({ timeout: 5_000 })
    return { repo, room }
  }

  beforeEach(async () => {
    panelDir = await mkdtemp(join(tmpdir(), "standalone-panel-"))
    await writeFile(join(panelDir, "index.html"), "<!doctype html><title>panel</title>")
    state = initialState()
    server = await startStandaloneServer({ port: 0, panelDir })
    hub = await startHub({ port: 0, staticDir: panelDir, standalone: server.address, standaloneLink: FAST_LINK })
  })

  afterEach(async () => {
    panel?.close()
    for (const spoke of spokes.splice(0)) {
      await spoke.repo.removeAdapter(spoke.adapter.adapterId)
      spoke.repo.synchronizer.stopHeartbeat()
    }
    await hub.close()
    await server.close()
    await rm(panelDir, { recursive: true, force: true })
  })

  const hubRepo = () => [...state.repos.values()].find(repo => repo.info.label === "hub" && !repo.gone)

  it("shows the hub's repo, its spokes as channels, and its maps key for key", async () => {
    panel = openPanel(server.address)
    const alice = await joinSpoke("alice")
    const bob = await joinSpoke("bob")
    for (let i = 0; i < 50; i++) {
      alice.room.cursor.setSelf({ x: i, y: i })
      bob.room.cursor.setSelf({ x: 100 + i, y: i })
    }
    const expected = () => hub.repo.synchronizer.docNamespacedStores
    await waitFor(() => hubRepo()?.model.channels.filter(channel => channel.kind === "network").length === 2, "two spokes as channels")
    await waitFor(() => {
      const room = hubRepo()?.rooms.get("room:standalone")
      if (!room) return false
      for (const [namespace, store] of expected().get("room:standalone") ?? []) {
        const held = room.namespaces.get(namespace)
        const live = Object.fromEntries(
          [...(held ?? new Map())].filter(([, entry]) => !entry.deleted).map(([key, entry]) => [key, entry.value]),
        )
        if (JSON.stringify(sorted(live)) !== JSON.stringify(sorted(store.getAllStates() as Record<string, unknown>))) return false
      }
      return true
    }, "the panel's maps to equal the hub's getAllStates()")
    // The fan-out is counted from what the hub sends, which may reach the panel after the maps do.
    const fannedOut = () => {
      const relay = hubRepo()?.hubRelay
      const channels = [...(relay?.channels.values() ?? [])]
      return channels.length === 2 && channels.every(channel => channel.total.entries > 0) ? relay : undefined
    }
    const relay = await waitFor(fannedOut, "the hub's fan-out to both spokes")
    const sent = [...relay.channels.values()]
    expect(sent.length).toBe(2)
    for (const channel of sent) expect(channel.total.entries).toBeGreaterThan(0)
    // Both spokes spoke for themselves: the hub heard each one's key first-hand.
    // A panel whose socket opened after the writes learns it from the spokes'
    // next heartbeat (every 10 s), not from the snapshot it started with.
    const owners = () => new Set([...(hubRepo()?.hubRelay?.heardFromOwner.keys() ?? [])].map(key => key.split("\u001f")[2]))
    await waitFor(() => owners().size >= 2, "each spoke's key heard first-hand", 15_000)
    expect(owners()).toEqual(new Set([alice.repo.identity.peerId, bob.repo.identity.peerId]))
  })

  it("goes on without the server, and the hub comes back when it returns", async () => {
    panel = openPanel(server.address)
    await waitFor(() => hubRepo(), "the hub's repo")
    const { port, token } = server
    await server.close()
    await waitFor(() => [...state.repos.values()].every(repo => repo.gone), "the hub shown gone while the server is away")
    // The hub works on: a spoke still joins and syncs.
    const carol = await joinSpoke("carol")
    expect(carol.room).toBeDefined()
    server = await startStandaloneServer({ port, token, panelDir })
    await waitFor(
      () => hubRepo()?.model.channels.some(channel => channel.peerId === carol.repo.identity.peerId),
      "the hub back, with the new spoke",
      15_000,
    )
  })
})

function sorted(record: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1))
}
