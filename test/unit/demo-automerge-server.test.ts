/**
 * The automerge demo's sync server, with real automerge-repo clients on the
 * registry's WebSocketClientAdapter: rooms resolve to one document each, and
 * Presence state crosses the server between clients that opened it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AutomergeUrl, Presence, Repo } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { startSyncServer, type SyncServer } from "../../demo/automerge/server/sync-server"
import type { RoomAnswer } from "../../demo/automerge/shared/room"

describe("automerge demo sync server", () => {
  let server: SyncServer
  let staticDir: string
  const clients: Repo[] = []
  const presences: Presence<Record<string, unknown>>[] = []

  beforeEach(async () => {
    staticDir = await mkdtemp(join(tmpdir(), "demo-automerge-"))
    await writeFile(join(staticDir, "index.html"), "<!doctype html><title>automerge demo</title>")
    server = await startSyncServer({ port: 0, staticDir })
  })

  afterEach(async () => {
    for (const presence of presences.splice(0)) presence.stop()
    await Promise.all(clients.splice(0).map(repo => repo.shutdown()))
    await server.close()
    await rm(staticDir, { recursive: true, force: true })
  })

  const roomUrl = async (room: string): Promise<AutomergeUrl> => {
    const response = await fetch(`${server.url}/rooms/${room}`)
    expect(response.status).toBe(200)
    return ((await response.json()) as RoomAnswer).url as AutomergeUrl
  }

  const joinRoom = async (url: AutomergeUrl, user: string) => {
    const repo = new Repo({ network: [new WebSocketClientAdapter(server.wsUrl)] })
    clients.push(repo)
    const handle = await repo.find<{ notes: string[] }>(url)
    const presence = new Presence<Record<string, unknown>>({ handle })
    presences.push(presence)
    presence.start({ initialState: { user, cursor: null } })
    return { repo, handle, presence }
  }

  it("answers one document per room, the same on every ask, and refuses bad names", async () => {
    const lobby = await roomUrl("lobby")
    expect(lobby).toMatch(/^automerge:/)
    expect(await roomUrl("lobby")).toBe(lobby)
    expect(await roomUrl("other")).not.toBe(lobby)
    const bad = await fetch(`${server.url}/rooms/${encodeURIComponent("no spaces")}`)
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain("letters, digits")
    expect(await (await fetch(`${server.url}/`)).text()).toContain("automerge demo")
  })

  it("relays Presence between clients of a room, and a goodbye removes the peer", async () => {
    const url = await roomUrl("presence")
    const alice = await joinRoom(url, "alice")
    const bob = await joinRoom(url, "bob")
    alice.presence.broadcast("cursor", { x: 3, y: 4 })
    await vi.waitFor(() => {
      expect(bob.presence.getPeerStates().value[alice.repo.peerId]?.value).toEqual({ user: "alice", cursor: { x: 3, y: 4 } })
    })
    // Announcing on a new peer is how alice learns of bob, who started after her.
    await vi.waitFor(() => expect(alice.presence.getPeerStates().value[bob.repo.peerId]?.value.user).toBe("bob"))
    bob.presence.stop()
    await vi.waitFor(() => expect(alice.presence.getPeerStates().value[bob.repo.peerId]).toBeUndefined())
  })

  it("keeps a room's notes on the server for a client that comes later", async () => {
    const url = await roomUrl("notes")
    const first = await joinRoom(url, "first")
    first.handle.change(doc => {
      doc.notes.push("hello")
    })
    await vi.waitFor(async () => expect((await server.repo.find<{ notes: string[] }>(url)).doc().notes).toEqual(["hello"]))
    const later = await joinRoom(url, "later")
    expect(later.handle.doc().notes).toEqual(["hello"])
  })
})
