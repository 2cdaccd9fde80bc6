import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { resolve } from "node:path"
import { Repo } from "@loro-extended/repo"
import { WebSocketServer } from "ws"
import { STANDALONE_ENV } from "../../protocol/standalone"
import { connect } from "../../standalone/node/connect"
import { createStaticHandler } from "../../standalone/server/static-files"
import { publishRoomStats } from "./room-stats"
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
  /**
   * The standalone panel to show the hub's repo in, as its server prints
   * it (`ws://127.0.0.1:PORT#TOKEN`); EPHEMERA_STANDALONE by default, none
   * if that is unset. Options for the link (tests shorten its delays) ride along.
   */
  standalone?: string
  standaloneLink?: { minDelayMs?: number; maxDelayMs?: number; graceMs?: number }
  /** The hub's own presence in every room, `{type: "server", name, clients, notes}` (on by default). */
  roomStats?: boolean
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

export async function startHub(options: HubOptions): Promise<Hub> {
  const { port, host = "127.0.0.1", staticDir = DEFAULT_STATIC_DIR, warn } = options
  const adapter = new WsServerAdapter({ warn })
  const repo = new Repo({ identity: { name: "hub", type: "service" }, adapters: [adapter] })
  const standalone = options.standalone ?? process.env[STANDALONE_ENV]
  const disconnectDevtools = standalone
    ? connect(repo, {
        label: "hub",
        server: standalone,
        processLabel: "demo hub",
        ...(options.standaloneLink ? { link: options.standaloneLink } : {}),
      })
    : () => {}
  const stopRoomStats = options.roomStats === false ? () => {} : publishRoomStats(repo, "hub")

  const serveStatic = createStaticHandler(staticDir, { missingIndexHint: "build the client first: npm run build:demo" })
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
      disconnectDevtools()
      stopRoomStats()
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
