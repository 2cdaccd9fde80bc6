/**
 * The demo app served with a hostile first script in front of everything
 * else of the page (fixtures/hostile-listener.js): what a page author could
 * do, short of running before the browser's document_start scripts, which no
 * page can. The app still talks to the test hub (`?hub=`).
 */
import { readFile } from "node:fs/promises"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { extname, join, normalize } from "node:path"
import { DEMO_DIST } from "./paths"

const LISTENER = join(import.meta.dirname, "../fixtures/hostile-listener.js")
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
}

export interface HostileDemo {
  /** The demo page for `room` and `name`, its first script the hostile listener. */
  url(room: string, name: string): string
  close(): Promise<void>
}

export async function startHostileDemo(demoUrl: string): Promise<HostileDemo> {
  const hub = `${demoUrl.replace(/^http/, "ws")}/ws`
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "")
    try {
      if (path === "/hostile-listener.js") {
        response.writeHead(200, { "content-type": TYPES[".js"]! }).end(await readFile(LISTENER))
        return
      }
      const file = path === "/" ? "index.html" : path
      let body: Buffer | string = await readFile(join(DEMO_DIST, file))
      if (file === "index.html") body = body.toString("utf8").replace("<head>", '<head><script src="/hostile-listener.js"></script>')
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body)
    } catch {
      response.writeHead(404).end("not found")
    }
  })
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (room, name) => `http://127.0.0.1:${port}/?${new URLSearchParams({ room, name, hub, autopilot: "0" })}`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  }
}
