/**
 * ephemera-devtools/node's connect(), against the real standalone server
 * and real repos: one source per process for all its repos, gone with the
 * last of them; a clear warning for an address it cannot read; the app told
 * once when its token is refused; nothing ever thrown into the app.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Repo } from "@loro-extended/repo"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import WebSocket from "ws"
import type { HookToPanelMessage } from "../../protocol/messages"
import type { ServerToPanelMessage } from "../../protocol/standalone"
import { connect } from "../../standalone/node/connect"
import { type StandaloneServer, startStandaloneServer } from "../../standalone/server/server"

const TOKEN = "node-connect-token-0123456789"
const FAST = { minDelayMs: 20, maxDelayMs: 200 }

const aRepo = (name: string) => new Repo({ identity: { name, type: "service" }, adapters: [] })

describe("ephemera-devtools/node connect()", () => {
  let panelDir: string
  let server: StandaloneServer
  const cleanups: Array<() => void> = []

  beforeAll(async () => {
    panelDir = await mkdtemp(join(tmpdir(), "node-connect-"))
    await writeFile(join(panelDir, "index.html"), "<!doctype html>")
    server = await startStandaloneServer({ port: 0, panelDir, token: TOKEN })
  })
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup()
    vi.restoreAllMocks()
  })
  afterAll(async () => {
    await server.close()
    await rm(panelDir, { recursive: true, force: true })
  })

  const connected = () => server.router.sources().filter(source => source.connected)

  it("shows a process's repos as one source, subscribed through one socket, closed with its last repo", async () => {
    const disconnectA = connect(aRepo("a"), { label: "repo-a", server: server.address, processLabel: "one process", link: FAST })
    const disconnectB = connect(aRepo("b"), { label: "repo-b", server: server.address, processLabel: "one process", link: FAST })
    cleanups.push(disconnectA, disconnectB)
    await expect.poll(() => connected().map(source => source.label)).toEqual(["one process"])

    const origin = `http://127.0.0.1:${server.port}`
    const panel = new WebSocket(`ws://127.0.0.1:${server.port}/panel?token=${TOKEN}`, { origin })
    cleanups.push(() => panel.close())
    const labels: string[] = []
    panel.on("message", data => {
      const frame = JSON.parse(data.toString()) as ServerToPanelMessage
      if (frame.type !== "server/batch") return
      for (const message of JSON.parse(frame.batchJson).messages as HookToPanelMessage[])
        if (message.type === "repo/registered") labels.push(message.repo.label)
    })
    await new Promise((resolve, reject) => panel.once("open", resolve).once("error", reject))
    const source = connected()[0]!.source
    panel.send(JSON.stringify({ type: "panel/to-source", source, message: { type: "panel/subscribe" } }))
    await expect.poll(() => labels.sort()).toEqual(["repo-a", "repo-b"])

    disconnectA()
    disconnectA()
    expect(connected()).toHaveLength(1)
    disconnectB()
    await expect.poll(() => connected()).toEqual([])
  })

  it("warns about an address it cannot read, and does nothing", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    const disconnect = connect(aRepo("c"), { server: `ws://127.0.0.1:${server.port}` })
    expect(warn).toHaveBeenCalledOnce()
    expect(String(warn.mock.calls[0]![0])).toMatch(/^ephemera-devtools: no token in .*\(ws:\/\/127\.0\.0\.1:8790#TOKEN\)$/)
    expect(() => disconnect()).not.toThrow()
    expect(connected()).toEqual([])
  })

  it("does nothing when no server is named", () => {
    const saved = process.env.EPHEMERA_STANDALONE
    delete process.env.EPHEMERA_STANDALONE
    try {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
      const disconnect = connect(aRepo("d"))
      expect(warn).not.toHaveBeenCalled()
      expect(() => disconnect()).not.toThrow()
    } finally {
      if (saved !== undefined) process.env.EPHEMERA_STANDALONE = saved
    }
  })

  it("tells the app once that a wrong token was refused, keeps trying, and throws nothing", async () => {
    const reasons: string[] = []
    const wrong = `ws://127.0.0.1:${server.port}#wrong-token-0123456789`
    const disconnect = connect(aRepo("e"), { server: wrong, onRefused: reason => reasons.push(reason), link: FAST })
    cleanups.push(disconnect)
    await expect.poll(() => reasons.length).toBe(1)
    expect(reasons[0]).toMatch(/401/)
    expect(connected()).toEqual([])
  })

  it("throws nothing into the app for something that is not a repo, or options that throw, and leaves no socket", async () => {
    for (const notARepo of [undefined, null, 42, {}, { synchronizer: "nope" }]) {
      const disconnect = connect(notARepo, { server: server.address, link: FAST })
      expect(disconnect).toBeTypeOf("function")
      expect(() => disconnect()).not.toThrow()
    }
    const throwing = {
      server: server.address,
      link: FAST,
      get label(): string {
        throw new Error("the app's own bug")
      },
    }
    expect(connect(aRepo("f"), throwing)).toBeTypeOf("function")
    // A process that did connect afterwards is the only source: the throwing call opened none.
    const disconnect = connect(aRepo("g"), { server: server.address, processLabel: "after", link: FAST })
    cleanups.push(disconnect)
    await expect.poll(() => connected().map(source => source.label)).toEqual(["after"])
  })
})
