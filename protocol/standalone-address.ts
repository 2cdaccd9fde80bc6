/**
 * How a Node process is told where the standalone panel is: one string, as
 * the server prints it, `ws://127.0.0.1:PORT#TOKEN` (the token in the
 * fragment, where it stays out of any request line and log). An `http://`
 * address is taken for the same server.
 */
import { STANDALONE_HOOK_PATH, STANDALONE_PANEL_PATH, STANDALONE_TOKEN_PARAM } from "./standalone"

export interface StandaloneAddress {
  /** `ws://host:port`, no path. */
  origin: string
  token: string
}

export type AddressResult = { ok: true; value: StandaloneAddress } | { ok: false; error: string }

const EXAMPLE = "ws://127.0.0.1:8790#TOKEN"

export function parseStandaloneAddress(text: string): AddressResult {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return { ok: false, error: `not an address: ${JSON.stringify(text)} (expected ${EXAMPLE})` }
  }
  const scheme = { "ws:": "ws:", "http:": "ws:", "wss:": "wss:", "https:": "wss:" }[url.protocol]
  if (!scheme) return { ok: false, error: `${url.protocol} is not a WebSocket address (expected ${EXAMPLE})` }
  const token = url.hash.slice(1) || url.searchParams.get(STANDALONE_TOKEN_PARAM) || ""
  if (!token)
    return { ok: false, error: `no token in ${JSON.stringify(text)}: the standalone server prints its address with one (${EXAMPLE})` }
  return { ok: true, value: { origin: `${scheme}//${url.host}`, token: decodeURIComponent(token) } }
}

/** The address as a Node process is given it. */
export function formatStandaloneAddress(address: StandaloneAddress): string {
  return `${address.origin}#${encodeURIComponent(address.token)}`
}

/** The socket a Node hook opens. */
export function hookSocketUrl(address: StandaloneAddress): string {
  return `${address.origin}${STANDALONE_HOOK_PATH}?${STANDALONE_TOKEN_PARAM}=${encodeURIComponent(address.token)}`
}

/** The socket a panel page opens. */
export function panelSocketUrl(address: StandaloneAddress): string {
  return `${address.origin}${STANDALONE_PANEL_PATH}?${STANDALONE_TOKEN_PARAM}=${encodeURIComponent(address.token)}`
}
