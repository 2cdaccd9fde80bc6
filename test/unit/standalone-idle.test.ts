/**
 * What a Node repo costs while no panel listens: the demo hub (a real Repo
 * with real spokes over WebSocket) connected to the real standalone server
 * streams nothing but answers to commands until a panel subscribes, and
 * stops again when the last panel page leaves.
 *
 * A panel socket that never subscribes watches the hub's source. A ping
 * gets an answer even from an idle hook, and the hook sends everything in
 * order over one socket, so whatever the hook wrote before its pong has
 * arrived by the time the pong has.
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
import type { HookToPanelMessage, PanelToHookMessage } from "../../protocol/messages"
import type { ServerToPanelMessage } from "../../protocol/standalone"
import { type StandaloneServer, startStandaloneServer } from "../../standalone/server/server"

const TOKEN = "idle-test-token-0123456789"

/** A panel page's socket, as a test drives it: what the hub's hook sent through it, message by message. */
interface WatchingPanel {
  messages: HookToPanelMessage[]
  send(message: PanelToHookMessage): void
  /** Pings the hub's hook and waits for its answer: everything the hook sent before has arrived. */
  roundTrip(): Promise<void>
  close(): Promise<void>
}

describe("standalone: a Node repo while no panel listens", () => {
  let panelDir: string
  let server: StandaloneServer
  let hub: Hub
  const spokes: Array<{ repo: Repo; adapter: WsClientAdapter; room: RoomHandle }> = []
  let pings = 0

  async function watch(): Promise<WatchingPanel> {
    const origin = `http://127.0.0.1:${server.port}`
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/panel?token=${TOKEN}`, { origin })
    let hubSource: string | undefined
    const messages: HookToPanelMessage[] = []
    socket.on("message", data => {
      const frame = JSON.parse(data.toString()) as ServerToPanelMessage
      if (frame.type === "server/sources") hubSource = frame.sources.find(source => source.label === "demo hub")?.source
      if (frame.type === "server/batch" && frame.source === hubSource) messages.push(...JSON.parse(frame.batchJson).messages)
    })
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject))
    await expect.poll(() => hubSource).toBeDefined()
    const send = (message: PanelToHookMessage) => socket.send(JSON.stringify({ type: "panel/to-source", source: hubSource, message }))
    return {
      messages,
      send,
      async roundTrip() {
        const nonce = `ping-${++pings}`
        send({ type: "panel/ping", nonce })
        await expect.poll(() => messages.some(m => m.type === "hook/pong" && m.nonce === nonce), { timeout: 8_000 }).toBe(true)
      },
      close: () => new Promise(resolve => socket.once("close", resolve).close()),
    }
  }

  async function joinSpoke(name: string): Promise<RoomHandle> {
    const adapter = new WsClientAdapter({ url: hub.wsUrl, WebSocket })
    const repo = new Repo({ identity: { name, type: "user" }, adapters: [adapter] })
    const room = openRoom(repo, "idle")
    spokes.push({ repo, adapter, room })
    await room.waitForSync({ timeout: 5_000 })
    return room
  }

  /**
   * Every spoke moves its cursor `moves` times; resolves once the hub has
   * taken a move of this storm from each. (Not necessarily the last: moves
   * within one millisecond carry one timestamp, and the hub keeps the first.)
   */
  async function storm(rooms: RoomHandle[], moves: number, offset: number): Promise<void> {
    for (let i = 0; i < moves; i++) for (const room of rooms) room.cursor.setSelf({ x: offset + i, y: i })
    const cursors = () =>
      Object.values(hub.repo.synchronizer.docNamespacedStores.get("room:idle")?.get("cursor")?.getAllStates() ?? {}) as Array<{ x: number }>
    await expect.poll(() => cursors().filter(cursor => cursor.x >= offset).length, { timeout: 8_000 }).toBe(rooms.length)
  }

  const types = (messages: HookToPanelMessage[]) => messages.map(message => message.type)

  beforeEach(async () => {
    panelDir = await mkdtemp(join(tmpdir(), "standalone-idle-"))
    await writeFile(join(panelDir, "index.html"), "<!doctype html><title>panel</title>")
    server = await startStandaloneServer({ port: 0, panelDir, token: TOKEN })
    hub = await startHub({ port: 0, staticDir: panelDir, standalone: server.address, standaloneLink: { minDelayMs: 20, maxDelayMs: 200 } })
  })

  afterEach(async () => {
    for (const spoke of spokes.splice(0)) {
      await spoke.repo.removeAdapter(spoke.adapter.adapterId)
      spoke.repo.synchronizer.stopHeartbeat()
    }
    await hub.close()
    await server.close()
    await rm(panelDir, { recursive: true, force: true })
  })

  it("streams nothing but its answers until a panel subscribes, and stops when the last panel leaves", async () => {
    const rooms = [await joinSpoke("ann"), await joinSpoke("ben")]
    const watcher = await watch()
    await storm(rooms, 100, 0)
    await watcher.roundTrip()
    expect(types(watcher.messages)).toEqual(["hook/pong"])

    // A panel subscribes: the hub's repo, then its traffic.
    watcher.send({ type: "panel/subscribe" })
    await expect.poll(() => types(watcher.messages)).toContain("repo/registered")
    await storm(rooms, 100, 1_000)
    await watcher.roundTrip()
    const streamed = types(watcher.messages)
    expect(streamed).toContain("repo/event-tape")

    // The last panel leaves; the next page to open only watches.
    await watcher.close()
    await expect.poll(() => server.router.panelCount).toBe(0)
    const next = await watch()
    await next.roundTrip()
    next.messages.length = 0
    await storm(rooms, 100, 2_000)
    await next.roundTrip()
    expect(types(next.messages)).toEqual(["hook/pong"])
    await next.close()
  })
})
