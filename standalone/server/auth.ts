/**
 * Who may open a socket on the standalone server. It listens on loopback,
 * but every web page in every browser on the machine can reach a loopback
 * port, so a socket needs the token the server printed, and:
 * - the Host header must name this server (a DNS-rebound name would not);
 * - a panel socket must come from this server's own page (its Origin);
 * - a hook socket must come from a process, not a page: a browser always
 *   sends an Origin, and only our own page's is let through.
 */
import { randomBytes, timingSafeEqual } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { STANDALONE_HOOK_PATH, STANDALONE_PANEL_PATH, STANDALONE_TOKEN_PARAM } from "../../protocol/standalone"

export type SocketKind = "hook" | "panel"

export type UpgradeCheck = { ok: true; kind: SocketKind } | { ok: false; status: 400 | 401 | 403 | 404; reason: string }

/** 128 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString("base64url")
}

export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The names this server answers to on `port`. */
export function ownHosts(host: string, port: number): Set<string> {
  const names = new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
  return names
}

export function checkUpgrade(request: IncomingMessage, options: { token: string; hosts: ReadonlySet<string> }): UpgradeCheck {
  let url: URL
  try {
    url = new URL(request.url ?? "/", "http://localhost")
  } catch {
    return { ok: false, status: 400, reason: "bad request line" }
  }
  const kind: SocketKind | undefined =
    url.pathname === STANDALONE_HOOK_PATH ? "hook" : url.pathname === STANDALONE_PANEL_PATH ? "panel" : undefined
  if (!kind) return { ok: false, status: 404, reason: `no socket at ${url.pathname}` }
  if (!options.hosts.has(request.headers.host ?? ""))
    return { ok: false, status: 403, reason: `foreign host ${request.headers.host ?? "(none)"}` }
  const origin = request.headers.origin
  const ownOrigin = origin !== undefined && [...options.hosts].some(host => origin === `http://${host}`)
  if (kind === "panel" && !ownOrigin) return { ok: false, status: 403, reason: `panel socket from origin ${origin ?? "(none)"}` }
  if (kind === "hook" && origin !== undefined && !ownOrigin)
    return { ok: false, status: 403, reason: `hook socket from a web page (${origin})` }
  const token = url.searchParams.get(STANDALONE_TOKEN_PARAM) ?? ""
  if (!sameToken(token, options.token)) return { ok: false, status: 401, reason: "wrong token" }
  return { ok: true, kind }
}
