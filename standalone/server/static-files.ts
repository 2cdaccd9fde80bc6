/**
 * Static files for the local servers (the demo hub, the standalone panel).
 */
import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import type { IncomingMessage, ServerResponse } from "node:http"
import { extname, join, normalize, resolve, sep } from "node:path"

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  // WebAssembly.instantiateStreaming refuses any other type.
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream"
}

export interface StaticOptions {
  /** Said with a 404 for `/` (what to build first). */
  missingIndexHint?: string
  /** URL prefixes served from other folders, e.g. `{ "/vendor/x/": dir }`. */
  mounts?: Readonly<Record<string, string>>
}

/**
 * Serves files under `rootDir` (and under each mount); `/` is `index.html`.
 * GET and HEAD only; nothing outside the folders, whatever the path says.
 * Shared by the demo's hub and the standalone panel's server.
 */
export function createStaticHandler(rootDir: string, options: StaticOptions = {}) {
  const root = resolve(rootDir)
  const mounts = Object.entries(options.mounts ?? {}).map(([prefix, dir]) => ({ prefix, dir: resolve(dir) }))

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      respond(response, 405, "method not allowed")
      return
    }
    const url = request.url ?? "/"
    const mount = mounts.find(({ prefix }) => url.startsWith(prefix))
    const filePath = mount ? resolveInside(mount.dir, url.slice(mount.prefix.length - 1)) : resolveInside(root, url)
    if (!filePath) {
      respond(response, 400, "bad path")
      return
    }
    const info = await stat(filePath).catch(() => undefined)
    if (!info?.isFile()) {
      const hint = filePath === join(root, "index.html") && options.missingIndexHint ? ` (${options.missingIndexHint})` : ""
      respond(response, 404, `not found${hint}`)
      return
    }
    response.writeHead(200, {
      "content-type": contentTypeFor(filePath),
      "content-length": info.size,
      "cache-control": "no-cache",
    })
    if (request.method === "HEAD") {
      response.end()
      return
    }
    createReadStream(filePath)
      .on("error", () => response.destroy())
      .pipe(response)
  }
}

// Returns undefined for paths that would escape the root (`/../secret`).
function resolveInside(root: string, url: string): string | undefined {
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(url, "http://localhost").pathname)
  } catch {
    return undefined
  }
  if (pathname.includes("\0")) return undefined
  const relative = pathname.endsWith("/") ? `${pathname}index.html` : pathname
  const filePath = normalize(join(root, relative))
  return filePath === root || filePath.startsWith(root + sep) ? filePath : undefined
}

function respond(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8" })
  response.end(`${text}\n`)
}
