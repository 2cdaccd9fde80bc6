/**
 * The automerge demo's server: automerge-repo's own sync server setup (a
 * Repo with the NodeWSServerAdapter from the registry, on a `ws`
 * WebSocketServer), the built page, and `GET /rooms/<room>`, which answers a
 * room's document URL (creating the document on first ask).
 *
 * Like automerge's sync-server it announces no document to anyone
 * (`sharePolicy` false): a client gets the documents it asks for, and the
 * server relays a document's ephemeral messages to the clients that have it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { resolve } from "node:path"
import { type AutomergeUrl, type PeerId, Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { WebSocketServer } from "ws"
import { createStaticHandler } from "../../../standalone/server/static-files"
import { ROOM_NAME, ROOMS_PATH, type RoomAnswer, type RoomDoc, SYNC_SOCKET_PATH } from "../shared/room"

export interface SyncServerOptions {
  /** 0 picks a free port. */
  port: number
  host?: string
  /** The built page (`npm run build:demo:automerge`). */
  staticDir?: string
}

export interface SyncServer {
  /** `http://host:port`, serving the page. */
  url: string
  /** `ws://host:port/sync`, where repos connect. */
  wsUrl: string
  port: number
  repo: Repo
  close(): Promise<void>
}

export const DEFAULT_STATIC_DIR = resolve(import.meta.dirname, "../../../dist/demo-automerge")

export async function startSyncServer({
  port,
  host = "127.0.0.1",
  staticDir = DEFAULT_STATIC_DIR,
}: SyncServerOptions): Promise<SyncServer> {
  const sockets = new WebSocketServer({ noServer: true })
  const repo = new Repo({
    peerId: "sync-server" as PeerId,
    // The adapter types its server with isomorphic-ws's view of the same `ws` class.
    network: [new NodeWSServerAdapter(sockets as unknown as ConstructorParameters<typeof NodeWSServerAdapter>[0])],
    sharePolicy: async () => false,
  })
  const rooms = new Map<string, AutomergeUrl>()
  const serveStatic = createStaticHandler(staticDir)

  const answerRoom = (pathname: string, response: ServerResponse) => {
    const room = decodeURIComponent(pathname.slice(ROOMS_PATH.length))
    if (!ROOM_NAME.test(room)) {
      response.writeHead(400, { "content-type": "text/plain; charset=utf-8" })
      response.end("a room name is 1 to 64 letters, digits, - or _\n")
      return
    }
    let url = rooms.get(room)
    if (!url) {
      url = repo.create<RoomDoc>({ notes: [] }).url
      rooms.set(room, url)
    }
    const answer: RoomAnswer = { room, url }
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
    response.end(JSON.stringify(answer))
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const pathname = new URL(request.url ?? "/", "http://localhost").pathname
    if (pathname.startsWith(ROOMS_PATH)) return answerRoom(pathname, response)
    serveStatic(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  server.on("upgrade", (request, socket, head) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== SYNC_SOCKET_PATH) {
      socket.destroy()
      return
    }
    sockets.handleUpgrade(request, socket, head, client => sockets.emit("connection", client, request))
  })

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
    wsUrl: `ws://${origin}${SYNC_SOCKET_PATH}`,
    port: actualPort,
    repo,
    async close() {
      for (const client of sockets.clients) client.terminate()
      await repo.shutdown()
      await new Promise<void>(done => sockets.close(() => done()))
      server.closeAllConnections()
      await new Promise<void>(done => server.close(() => done()))
    },
  }
}
