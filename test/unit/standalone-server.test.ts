/**
 * Who the standalone server lets in: real sockets against the real server.
 * Any page on the machine can reach a loopback port, so a socket needs the
 * token, a panel socket our own page's origin, a hook socket no page's.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { PROTOCOL_VERSION } from "../../protocol/messages"
import { formatStandaloneAddress, parseStandaloneAddress } from "../../protocol/standalone-address"
import { CLOSE_PROTOCOL_MISMATCH } from "../../protocol/standalone"
import { type StandaloneServer, startStandaloneServer } from "../../standalone/server/server"

const TOKEN = "unit-test-token-abcdefghijkl"

/** Opens a socket; resolves with "open" or the HTTP status the upgrade was refused with. */
function attempt(
  url: string,
  headers: Record<string, string> = {},
  origin?: string,
): Promise<{ result: "open" | number; socket: WebSocket; received: unknown[] }> {
  const socket = new WebSocket(url, { headers, ...(origin ? { origin } : {}) })
  // Heard from the start: the server speaks first.
  const received: unknown[] = []
  socket.on("message", data => received.push(JSON.parse(data.toString())))
  return new Promise(resolve => {
    socket.once("open", () => resolve({ result: "open", socket, received }))
    socket.once("unexpected-response", (_request, response) => resolve({ result: response.statusCode ?? 0, socket, received }))
    socket.once("error", () => {})
  })
}

describe("standalone server", () => {
  let dir: string
  let server: StandaloneServer
  let base: string
  let own: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "standalone-"))
    await writeFile(join(dir, "index.html"), '<div id="app"></div>')
    server = await startStandaloneServer({ port: 0, panelDir: dir, token: TOKEN })
    base = `ws://127.0.0.1:${server.port}`
    own = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it("prints an address with its token, and a panel URL with the token in the fragment", () => {
    expect(server.address).toBe(`ws://127.0.0.1:${server.port}#${TOKEN}`)
    expect(server.panelUrl).toBe(`http://127.0.0.1:${server.port}/#token=${TOKEN}`)
    expect(parseStandaloneAddress(server.address)).toEqual({ ok: true, value: { origin: base, token: TOKEN } })
    expect(formatStandaloneAddress({ origin: base, token: TOKEN })).toBe(server.address)
  })

  it("refuses a socket without the token, or with a wrong one", async () => {
    expect((await attempt(`${base}/hook`)).result).toBe(401)
    expect((await attempt(`${base}/hook?token=nope`)).result).toBe(401)
    expect((await attempt(`${base}/panel?token=${TOKEN}x`, {}, own)).result).toBe(401)
    const { result, socket } = await attempt(`${base}/hook?token=${TOKEN}`)
    expect(result).toBe("open")
    socket.close()
  })

  it("refuses a panel socket from another origin, and a hook socket from any web page", async () => {
    expect((await attempt(`${base}/panel?token=${TOKEN}`, {}, "http://evil.example")).result).toBe(403)
    expect((await attempt(`${base}/panel?token=${TOKEN}`)).result).toBe(403)
    expect((await attempt(`${base}/hook?token=${TOKEN}`, {}, "http://evil.example")).result).toBe(403)
    const { result, socket } = await attempt(`${base}/panel?token=${TOKEN}`, {}, own)
    expect(result).toBe("open")
    socket.close()
  })

  it("refuses a Host that is not this server (DNS rebinding)", async () => {
    expect((await attempt(`${base}/hook?token=${TOKEN}`, { host: "rebound.example:80" })).result).toBe(403)
  })

  it("closes a source that speaks another protocol", async () => {
    const { socket } = await attempt(`${base}/hook?token=${TOKEN}`)
    const closed = new Promise<number>(resolve => socket.once("close", code => resolve(code)))
    socket.send(JSON.stringify({ type: "source/hello", protocol: PROTOCOL_VERSION + 1, source: "s1", label: "old" }))
    expect(await closed).toBe(CLOSE_PROTOCOL_MISMATCH)
  })

  it("routes a panel's message to the source it names, and tells sources when the last panel leaves", async () => {
    const { socket: hook, received: toHook } = await attempt(`${base}/hook?token=${TOKEN}`)
    hook.send(JSON.stringify({ type: "source/hello", protocol: PROTOCOL_VERSION, source: "worker-1", label: "worker" }))
    // No panel yet: the source is told so at once.
    await expect.poll(() => toHook).toContainEqual({ type: "server/to-hook", message: { type: "panel/unsubscribe" } })
    toHook.length = 0
    const { socket: panel, received: toPanel } = await attempt(`${base}/panel?token=${TOKEN}`, {}, own)
    await expect
      .poll(() => toPanel[0])
      .toEqual({ type: "server/sources", sources: [{ source: "worker-1", label: "worker", connected: true }] })
    panel.send(JSON.stringify({ type: "panel/to-source", source: "worker-1", message: { type: "panel/ping", nonce: "n1" } }))
    await expect.poll(() => toHook).toContainEqual({ type: "server/to-hook", message: { type: "panel/ping", nonce: "n1" } })
    hook.send(JSON.stringify({ type: "source/batch", batchJson: '{"seq":0,"messages":[]}' }))
    await expect.poll(() => toPanel).toContainEqual({ type: "server/batch", source: "worker-1", batchJson: '{"seq":0,"messages":[]}' })
    panel.close()
    await expect.poll(() => toHook).toContainEqual({ type: "server/to-hook", message: { type: "panel/unsubscribe" } })
    hook.close()
  })
})
