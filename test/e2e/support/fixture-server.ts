/** Serves test/e2e/fixtures on 127.0.0.1 for pages that are not the demo app. */
import { readFile } from "node:fs/promises"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { join, normalize } from "node:path"

const FIXTURES = join(import.meta.dirname, "../fixtures")

export async function startFixtureServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "")
    try {
      const body = await readFile(join(FIXTURES, path))
      response.writeHead(200, { "content-type": path.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream" })
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
