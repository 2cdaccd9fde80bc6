import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { resolve } from "node:path"
import { Repo } from "@loro-extended/repo"
import { WebSocketServer } from "ws"
import { createStaticHandler } from "./static-files"
import { type InboundHold, type WarningSink, WsServerAdapter } from "./ws-server-adapter"

export const HUB_SOCKET_PATH = "/ws"

export interface HubOptions {
  /** 0 picks a free port. */
  port: number
  host?: string
  /** The built client (`npm run build:demo`). */
  staticDir?: string
  /** Receives a line per dropped frame; defaults to the console. */
  warn?: WarningSink
}

export interface Hub {
  /** `http://host:port`, serving the client. */
  url: string
  /** `ws://host:port/ws`, where peers connect. */
  wsUrl: string
  port: number
  /** The hub's own peer: it relays presence and keeps every room's notes. */
  repo: Repo
  /** Test hook: frames from peers wait (sockets stay open) until released. */
  holdInbound(): InboundHold
  close(): Promise<void>
}

const DEFAULT_STATIC_DIR = resolve(import.meta.dirname, "../../dist/demo")

export async function startHub({ port, host = "127.0.0.1", staticDir = DEFAULT_STATIC_DIR, warn }: HubOptions): Promise<Hub> {
  const adapter = new WsServerAdapter({ warn })
  const repo = new Repo({ identity: { name: "hub", type: "service" }, adapters: [adapter] })

  const serveStatic = createStaticHandler(staticDir)
  const server = createServer((request, response) => {
    serveStatic(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  const sockets = new WebSocketServer({ server, path: HUB_SOCKET_PATH })
  sockets.on("connection", socket => adapter.accept(socket))

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen)
    server.listen(port, host, () => {
      server.off("error", rejectListen)
      resolveListen()
    })
  })
  const actualPort = (server.address() as AddressInfo).port
  const origin = `${host.includes(":") ? `[${host}]` : host}:${actualPort}`

  return {
    url: `http://${origin}`,
    wsUrl: `ws://${origin}${HUB_SOCKET_PATH}`,
    port: actualPort,
    repo,
    holdInbound: () => adapter.hold(),
    async close() {
      await repo.removeAdapter(adapter.adapterId)
      // The heartbeat interval would otherwise keep the process alive.
      repo.synchronizer.stopHeartbeat()
      for (const client of sockets.clients) client.terminate()
      await new Promise<void>(done => sockets.close(() => done()))
      server.closeAllConnections()
      await new Promise<void>(done => server.close(() => done()))
    },
  }
}
