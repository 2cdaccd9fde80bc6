/**
 * The Node hook's link to the standalone server, against a real WebSocket
 * server that goes away and comes back: it holds batches in a bounded
 * buffer, reports what did not fit, and tells the hook to go idle when the
 * server stays away.
 */
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import WebSocket, { WebSocketServer } from "ws"
import { type HookToRelayMessage, PROTOCOL_VERSION } from "../../protocol/messages"
import type { SocketLike } from "../../injected/standalone/socket-like"
import { SourceLink } from "../../injected/standalone/source-link"

function listen(port = 0): Promise<{ server: WebSocketServer; frames: Array<{ type: string; [key: string]: unknown }>; port: number }> {
  const frames: Array<{ type: string }> = []
  const server = new WebSocketServer({ port, host: "127.0.0.1" })
  server.on("connection", socket => socket.on("message", data => frames.push(JSON.parse(data.toString()))))
  return new Promise(resolve => server.once("listening", () => resolve({ server, frames, port: (server.address() as AddressInfo).port })))
}

function stop(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate()
  return new Promise(resolve => server.close(() => resolve()))
}

/** A batch the hook would post; `mark` in its text tells the frames apart. */
const batch = (n: number): HookToRelayMessage => ({ type: "page/batch", seq: n, batchJson: `{"messages":[],"mark":${n}}`, count: 10 })
const openSocket = (url: string) => new WebSocket(url) as unknown as SocketLike

describe("source link", () => {
  const cleanups: Array<() => unknown> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  it("holds batches while the server is away, loses the oldest beyond its bound, and says how many", async () => {
    let { server, frames, port } = await listen()
    const link = new SourceLink({
      url: `ws://127.0.0.1:${port}`,
      openSocket,
      source: "s1",
      label: "test",
      minDelayMs: 10,
      maxDelayMs: 50,
      maxBufferedChars: 150,
    })
    cleanups.push(() => link.close())
    await expect.poll(() => frames[0]).toEqual({ type: "source/hello", protocol: PROTOCOL_VERSION, source: "s1", label: "test" })
    link.post(batch(0))
    await expect.poll(() => frames.length).toBe(2)

    await stop(server)
    await expect.poll(() => link.connected).toBe(false)
    // Each frame is about 60 characters: two fit in 150, the first of three does not.
    for (const n of [1, 2, 3]) link.post(batch(n))
    ;({ server, frames } = await listen(port))
    cleanups.push(() => stop(server))
    await expect.poll(() => frames.map(frame => frame.type)).toEqual(["source/hello", "source/lost", "source/batch", "source/batch"])
    expect(frames[1]).toEqual({ type: "source/lost", count: 10 })
    expect(frames.slice(2).map(frame => JSON.parse(frame.batchJson as string).mark)).toEqual([2, 3])
  })

  it("hands the hook the panel's commands, and tells it to go idle when the server stays away", async () => {
    const { server, port } = await listen()
    const link = new SourceLink({
      url: `ws://127.0.0.1:${port}`,
      openSocket,
      source: "s2",
      label: "test",
      minDelayMs: 10,
      maxDelayMs: 50,
      graceMs: 100,
    })
    cleanups.push(() => link.close())
    const heard: unknown[] = []
    link.listen(message => heard.push(message))
    await expect.poll(() => link.connected).toBe(true)
    for (const client of server.clients) client.send(JSON.stringify({ type: "server/to-hook", message: { type: "panel/subscribe" } }))
    await expect.poll(() => heard).toEqual([{ type: "panel/subscribe" }])
    await stop(server)
    await expect.poll(() => heard).toEqual([{ type: "panel/subscribe" }, { type: "panel/unsubscribe" }])
  })

  it("tells the app once when the server refuses it, and never throws", async () => {
    const { server, port } = await listen()
    server.options.verifyClient = (_info: unknown, done: (ok: boolean, code?: number) => void) => done(false, 401)
    const refusals: string[] = []
    let attempts = 0
    const counted = (url: string) => {
      attempts++
      return openSocket(url)
    }
    const link = new SourceLink({
      url: `ws://127.0.0.1:${port}`,
      openSocket: counted,
      source: "s3",
      label: "test",
      minDelayMs: 10,
      maxDelayMs: 20,
      onRefused: reason => refusals.push(reason),
    })
    cleanups.push(
      () => link.close(),
      () => stop(server),
    )
    // It keeps trying (the token may be fixed by restarting the server) without telling again.
    await expect.poll(() => attempts, { timeout: 5_000 }).toBeGreaterThanOrEqual(4)
    expect(refusals).toHaveLength(1)
    expect(refusals[0]).toMatch(/401/)
  })
})
