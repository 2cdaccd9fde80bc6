/**
 * Serves test/e2e/fixtures on 127.0.0.1 for pages that are not the demo app,
 * and the built fixture apps (test/e2e/fixture-apps) under /apps/.
 */
import { readFile } from "node:fs/promises"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { extname, join, normalize } from "node:path"
import { FIXTURE_APPS_DIST } from "./paths"

const FIXTURES = join(import.meta.dirname, "../fixtures")
const APPS_PREFIX = "/apps/"

/** Module scripts and streamed wasm are refused under any other type. */
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
}

export async function startFixtureServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    let path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "")
    if (path.endsWith("/")) path += "index.html"
    const file = path.startsWith(APPS_PREFIX) ? join(FIXTURE_APPS_DIST, path.slice(APPS_PREFIX.length)) : join(FIXTURES, path)
    try {
      const body = await readFile(file)
      response.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" })
      response.end(body)
    } catch {
      response.writeHead(404).end("not found")
    }
  })
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  }
}
