/**
 * The standalone panel's server (`npx ephemera-devtools`): on 127.0.0.1 it
 * serves the panel as a web page, takes Node hooks on /hook and panel pages
 * on /panel (both WebSockets, both with the token), and routes between them
 * (router.ts). The panel page finds the token in its URL's fragment, which
 * no request carries.
 */
import { existsSync } from "node:fs"
import { createServer, type IncomingMessage } from "node:http"
import { createRequire } from "node:module"
import type { AddressInfo } from "node:net"
import type { Duplex } from "node:stream"
import { dirname } from "node:path"
import { WebSocketServer, type WebSocket } from "ws"
import { formatStandaloneAddress } from "../../protocol/standalone-address"
import { STANDALONE_TOKEN_PARAM } from "../../protocol/standalone"
import { checkUpgrade, newToken, ownHosts } from "./auth"
import { StandaloneRouter, type RouterLog } from "./router"
import { createStaticHandler } from "./static-files"

export interface StandaloneOptions {
  /** 0 picks a free port. */
  port: number
  /** Loopback only, unless told otherwise. */
  host?: string
  /** A fixed token (tests, scripts); a fresh random one by default. */
  token?: string
  /** The built panel page (index.html and its assets). */
  panelDir: string
  log?: RouterLog
  /** Largest frame accepted from a socket. */
  maxFrameBytes?: number
}

export interface StandaloneServer {
  /** The panel page, token in the fragment: open it in a browser. */
  panelUrl: string
  /** What a Node process is given (EPHEMERA_STANDALONE): `ws://host:port#token`. */
  address: string
  port: number
  token: string
  router: StandaloneRouter
  close(): Promise<void>
}

export async function startStandaloneServer(options: StandaloneOptions): Promise<StandaloneServer> {
  const host = options.host ?? "127.0.0.1"
  const token = options.token ?? newToken()
  const log = options.log ?? (() => {})
  const router = new StandaloneRouter(log)
  const loroWeb = loroWebDir()
  const serveStatic = createStaticHandler(options.panelDir, {
    missingIndexHint: "the panel page is not built: npm run build:standalone",
    // The panel checks frames with loro-crdt itself: the app's own copy (a peer dependency), not one of ours.
    ...(loroWeb ? { mounts: { "/vendor/loro-crdt/web/": loroWeb } } : {}),
  })
  const server = createServer((request, response) => {
    serveStatic(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 32 * 1024 * 1024 })

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen)
    server.listen(options.port, host, () => {
      server.off("error", rejectListen)
      resolveListen()
    })
  })
  const port = (server.address() as AddressInfo).port
  const hosts = ownHosts(host, port)

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const checked = checkUpgrade(request, { token, hosts })
    if (!checked.ok) {
      log(`refused a socket: ${checked.reason}`)
      socket.end(`HTTP/1.1 ${checked.status} ${checked.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    sockets.handleUpgrade(request, socket, head, ws => (checked.kind === "hook" ? acceptHook(ws) : acceptPanel(ws)))
  })

  function acceptHook(ws: WebSocket): void {
    router.acceptSource(ws)
    ws.on("message", (data, isBinary) => router.receiveFromSource(ws, isBinary ? undefined : data.toString()))
    ws.on("close", () => router.dropSource(ws))
    ws.on("error", () => ws.terminate())
  }

  function acceptPanel(ws: WebSocket): void {
    router.acceptPanel(ws)
    ws.on("message", (data, isBinary) => router.receiveFromPanel(ws, isBinary ? undefined : data.toString()))
    ws.on("close", () => router.dropPanel(ws))
    ws.on("error", () => ws.terminate())
  }

  const origin = `${host.includes(":") ? `[${host}]` : host}:${port}`
  return {
    panelUrl: `http://${origin}/#${STANDALONE_TOKEN_PARAM}=${encodeURIComponent(token)}`,
    address: formatStandaloneAddress({ origin: `ws://${origin}`, token }),
    port,
    token,
    router,
    async close() {
      for (const client of sockets.clients) client.terminate()
      await new Promise<void>(done => sockets.close(() => done()))
      server.closeAllConnections()
      await new Promise<void>(done => server.close(() => done()))
    },
  }
}

/** loro-crdt's web build, where the app installed it; undefined if it did not. */
function loroWebDir(): string | undefined {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve("loro-crdt/web"))
    return existsSync(dir) ? dir : undefined
  } catch {
    return undefined
  }
}
