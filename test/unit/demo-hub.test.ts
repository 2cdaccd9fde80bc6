import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Repo } from "@loro-extended/repo"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { type Hub, startHub } from "../../demo/server/hub"
import { createRoomPeer } from "../../demo/client/room-peer"
import { WsClientAdapter } from "../../demo/client/ws-client-adapter"
import { membersOf, serversOf } from "../../demo/client/views/room-snapshot"
import { openRoom, type RoomHandle } from "../../demo/shared/room"

interface TestPeer {
  repo: Repo
  adapter: WsClientAdapter
  handle: RoomHandle
  leave(): Promise<void>
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

describe("demo hub", () => {
  let hub: Hub
  let staticDir: string
  let warnings: string[]
  const peers: TestPeer[] = []

  async function joinRoom(name: string): Promise<TestPeer> {
    const adapter = new WsClientAdapter({ url: hub.wsUrl, WebSocket })
    const repo = new Repo({ identity: { name, type: "user" }, adapters: [adapter] })
    const handle = openRoom(repo, "test")
    let left = false
    const peer: TestPeer = {
      repo,
      adapter,
      handle,
      async leave() {
        if (left) return
        left = true
        await repo.removeAdapter(adapter.adapterId)
        repo.synchronizer.stopHeartbeat()
      },
    }
    peers.push(peer)
    await handle.waitForSync({ timeout: 5000 })
    return peer
  }

  beforeEach(async () => {
    staticDir = await mkdtemp(join(tmpdir(), "demo-hub-"))
    await writeFile(join(staticDir, "index.html"), "<!doctype html><title>demo</title>")
    await writeFile(join(staticDir, "loro.wasm"), new Uint8Array([0, 97, 115, 109]))
    warnings = []
    hub = await startHub({ port: 0, staticDir, warn: message => warnings.push(message) })
  })

  afterEach(async () => {
    for (const peer of peers.splice(0)) await peer.leave()
    await hub.close()
    await rm(staticDir, { recursive: true, force: true })
  })

  it("listens on the port it was given, 0 meaning any free one", () => {
    expect(hub.port).toBeGreaterThan(0)
    expect(hub.url).toBe(`http://127.0.0.1:${hub.port}`)
    expect(hub.wsUrl).toBe(`ws://127.0.0.1:${hub.port}/ws`)
    expect(hub.repo.identity).toMatchObject({ name: "hub", type: "service" })
  })

  it("relays presence from one peer to another", async () => {
    const alice = await joinRoom("alice")
    const bob = await joinRoom("bob")

    alice.handle.presence.setSelf({ name: "alice", color: "#e11d48" })
    alice.handle.cursor.setSelf({ x: 10, y: 20 })

    const seenByBob = () => bob.handle.presence.raw.getAllStates()[alice.repo.identity.peerId]
    await waitFor(() => seenByBob() !== undefined, "bob to see alice's presence")
    expect(seenByBob()).toEqual({ name: "alice", color: "#e11d48" })
    await waitFor(() => bob.handle.cursor.get(alice.repo.identity.peerId)?.x === 10, "bob to see alice's cursor")
  })

  it("keeps the first of a same-millisecond burst at the receivers and the last at the writer", async () => {
    const join = (name: string) => {
      const peer = createRoomPeer({ hubUrl: hub.wsUrl, room: "test", name, color: "red", type: "user", WebSocket })
      const [adapter] = peer.repo.adapters as WsClientAdapter[]
      peers.push({
        repo: peer.repo,
        adapter: adapter!,
        handle: peer.handle,
        async leave() {
          await peer.repo.removeAdapter(adapter!.adapterId)
          peer.repo.synchronizer.stopHeartbeat()
        },
      })
      return peer
    }
    const writer = join("writer")
    const receiver = join("receiver")
    await Promise.all([writer.synced, receiver.synced])
    let ms: number | undefined
    // A loaded machine can stretch three writes past a millisecond now and then: try again.
    for (let attempt = 0; attempt < 100 && ms === undefined; attempt++)
      ms = writer.burstCursor([
        { x: 1, y: 0 },
        { x: 2, y: 0 },
        { x: 3, y: 0 },
      ])
    expect(ms).toBeTypeOf("number")
    // A later write on the same path: once it arrives, every frame of the burst has been applied (or refused).
    writer.setTyping(true)
    await waitFor(
      () => JSON.stringify(receiver.getStates("typing")[writer.peerId]) === JSON.stringify({ typing: true }),
      "the marker after the burst",
    )
    expect(writer.getStates("cursor")[writer.peerId]).toEqual({ x: 3, y: 0 })
    expect(receiver.getStates("cursor")[writer.peerId]).toEqual({ x: 1, y: 0 })
  })

  it("holds frames from peers while asked and delivers them in order on release", async () => {
    const alice = await joinRoom("alice")
    const bob = await joinRoom("bob")
    const hold = hub.holdInbound()
    alice.handle.cursor.setSelf({ x: 1, y: 1 })
    // The second write must carry a later stamp: two writes in one millisecond tie, and a receiver
    // keeps the first (the burst test above covers that rule); this test is about holding frames.
    const first = Date.now()
    while (Date.now() === first) {}
    alice.handle.cursor.setSelf({ x: 2, y: 2 })
    // Both frames reached the hub's side of the socket, and the hub's repo has not seen them.
    await waitFor(() => hold.held() >= 2, "alice's frames at the hub")
    const hubSees = () =>
      hub.repo.synchronizer.docNamespacedStores.get("room:test")?.get("cursor")?.getAllStates()[alice.repo.identity.peerId]
    expect(hubSees()).toBeUndefined()
    hold.release()
    await waitFor(() => bob.handle.cursor.get(alice.repo.identity.peerId)?.x === 2, "bob to see alice's last cursor")
    expect(hubSees()).toEqual({ x: 2, y: 2 })
  })

  it("syncs notes, including to a peer that joins later", async () => {
    const alice = await joinRoom("alice")
    const bob = await joinRoom("bob")

    alice.handle.change(draft => {
      draft.notes.push("buy milk")
    })
    await waitFor(() => bob.handle.doc.toJSON().notes.includes("buy milk"), "bob to see alice's note")

    const carol = await joinRoom("carol")
    await waitFor(() => carol.handle.doc.toJSON().notes.length === 1, "carol to receive the existing note")
    expect(carol.handle.doc.toJSON().notes).toEqual(["buy milk"])
  })

  it("removes a peer's presence from the others when it disconnects", async () => {
    const alice = await joinRoom("alice")
    const bob = await joinRoom("bob")
    const alicePeerId = alice.repo.identity.peerId
    alice.handle.presence.setSelf({ name: "alice", color: "#e11d48" })
    alice.handle.typing.setSelf({ typing: true })
    await waitFor(() => bob.handle.presence.get(alicePeerId) !== undefined, "bob to see alice")

    await alice.leave()

    await waitFor(() => bob.handle.presence.get(alicePeerId) === undefined, "alice's presence to vanish for bob")
    await waitFor(() => bob.handle.typing.get(alicePeerId) === undefined, "alice's typing flag to vanish for bob")
    expect(hub.repo.synchronizer.docNamespacedStores.get(alice.handle.docId)?.get("presence")?.get(alicePeerId)).toBe(undefined)
  })

  it("reconnects after the hub restarts, and presence comes back", async () => {
    const alice = await joinRoom("alice")
    const bob = await joinRoom("bob")
    const alicePeerId = alice.repo.identity.peerId
    alice.handle.presence.setSelf({ name: "alice", color: "#e11d48" })
    await waitFor(() => bob.handle.presence.get(alicePeerId) !== undefined, "bob to see alice")

    const port = hub.port
    await hub.close()
    await waitFor(() => alice.adapter.channels.size === 0, "alice to notice the hub is gone")
    hub = await startHub({ port, staticDir, warn: message => warnings.push(message) })

    await waitFor(() => alice.adapter.channels.size === 1 && bob.adapter.channels.size === 1, "both to reconnect")
    await waitFor(
      () => hub.repo.synchronizer.docNamespacedStores.get(alice.handle.docId)?.get("presence")?.get(alicePeerId) !== undefined,
      "the new hub to learn alice's presence",
    )
    await waitFor(() => bob.handle.presence.get(alicePeerId) !== undefined, "bob to see alice again")
  })

  it("survives malformed frames and keeps serving other peers", async () => {
    const alice = await joinRoom("alice")
    const bob = await joinRoom("bob")

    const raw = new WebSocket(hub.wsUrl)
    await new Promise<void>((resolve, reject) => {
      raw.once("open", () => resolve())
      raw.once("error", reject)
    })
    const garbage = [
      "not json at all",
      "42",
      "null",
      JSON.stringify({ type: "channel/unknown" }),
      JSON.stringify({ type: "channel/establish-request", identity: { peerId: "not-a-number" } }),
      JSON.stringify({ type: "channel/sync-request", docId: "room:test" }),
      JSON.stringify({ type: "channel/batch", messages: [{ type: "channel/batch", messages: [] }] }),
      JSON.stringify({
        type: "channel/update",
        docId: "room:test",
        transmission: { type: "update", data: "%%% not base64 %%%", version: {} },
      }),
    ]
    for (const frame of garbage) raw.send(frame)
    raw.send(new Uint8Array([1, 2, 3]))
    // A well-formed handshake followed by a corrupt snapshot reaches loro itself.
    raw.send(JSON.stringify({ type: "channel/establish-request", identity: { peerId: "12345", name: "mallory", type: "user" } }))
    raw.send(
      JSON.stringify({
        type: "channel/sync-response",
        docId: "room:test",
        transmission: { type: "snapshot", data: "AAECAwQ=", version: { "12345": 3 } },
      }),
    )
    raw.close()
    await new Promise<void>(resolve => raw.once("close", () => resolve()))

    alice.handle.presence.setSelf({ name: "alice", color: "#e11d48" })
    await waitFor(() => bob.handle.presence.get(alice.repo.identity.peerId) !== undefined, "presence to still flow")
    expect(warnings.filter(line => line.startsWith("dropped a malformed frame"))).toHaveLength(garbage.length)
    expect(warnings.filter(line => line.startsWith("dropped a binary frame"))).toHaveLength(1)
    expect(warnings).toContainEqual(expect.stringMatching(/^repo rejected channel\/sync-response/))
  })

  it("publishes its own presence in each room, of another shape than the clients'", async () => {
    const alice = await joinRoom("alice")
    alice.handle.presence.setSelf({ name: "alice", color: "#e11d48" })
    const hubPeerId = hub.repo.identity.peerId
    await waitFor(() => serversOf(alice.handle)[0]?.clients === 1, "the hub to count alice")
    expect(serversOf(alice.handle)).toEqual([{ peerId: hubPeerId, name: "hub", clients: 1, notes: 0 }])
    expect(alice.handle.presence.get(hubPeerId)).toEqual({ type: "server", name: "hub", clients: 1, notes: 0 })
    // The server is the room's server, not one of its members.
    expect(membersOf(alice.handle, new Set()).map(member => member.name)).toEqual(["alice"])

    const bob = await joinRoom("bob")
    bob.handle.presence.setSelf({ name: "bob", color: "#2563eb" })
    bob.handle.change(draft => {
      draft.notes.push("hello")
    })
    await waitFor(() => serversOf(alice.handle)[0]?.clients === 2 && serversOf(alice.handle)[0]?.notes === 1, "two clients, one note")
    await bob.leave()
    await waitFor(() => serversOf(alice.handle)[0]?.clients === 1, "the hub to count bob gone")
    expect(serversOf(alice.handle)).toHaveLength(1)
  })

  it("publishes no presence of its own when asked not to", async () => {
    await hub.close()
    hub = await startHub({ port: 0, staticDir, roomStats: false })
    const alice = await joinRoom("alice")
    alice.handle.presence.setSelf({ name: "alice", color: "#e11d48" })
    const bob = await joinRoom("bob")
    await waitFor(() => bob.handle.presence.get(alice.repo.identity.peerId) !== undefined, "bob to see alice")
    expect(serversOf(bob.handle)).toEqual([])
  })

  it("serves the built client with the right content types", async () => {
    const index = await fetch(`${hub.url}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8")
    expect(await index.text()).toContain("<title>demo</title>")

    const wasm = await fetch(`${hub.url}/loro.wasm`)
    expect(wasm.headers.get("content-type")).toBe("application/wasm")

    expect((await fetch(`${hub.url}/missing.js`)).status).toBe(404)
    expect((await fetch(`${hub.url}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400)
  })
})
