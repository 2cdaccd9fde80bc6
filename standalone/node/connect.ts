/**
 * `ephemera-devtools/node`: shows a Node-side repo (a hub, a worker) in the
 * standalone panel (`npx ephemera-devtools`).
 *
 *   import { connect } from "ephemera-devtools/node"
 *   connect(repo, { label: "hub" })   // EPHEMERA_STANDALONE=ws://127.0.0.1:8790#TOKEN
 *
 * It runs the page hook itself, DOM-free, over a WebSocket that reconnects
 * with backoff (injected/standalone/source-link.ts). All repos of a process
 * that name the same server share one hook and one socket: one "source" in
 * the panel. With no server named it does nothing; it never throws into the
 * app, and costs nothing but an idle socket while no panel listens.
 */
import { basename } from "node:path"
import WebSocket from "ws"
import { createHook, type HookHandle } from "../../injected/hook/create-hook"
import type { SocketLike } from "../../injected/standalone/socket-like"
import { SourceLink } from "../../injected/standalone/source-link"
import { hookSocketUrl, parseStandaloneAddress } from "../../protocol/standalone-address"
import { STANDALONE_ENV } from "../../protocol/standalone"

export interface NodeConnectOptions {
  /** Shown in the panel's repo list. */
  label?: string
  /** The standalone server as it prints it, `ws://127.0.0.1:PORT#TOKEN`; EPHEMERA_STANDALONE by default. */
  server?: string
  /** How the panel names this process; the script's name and pid by default. */
  processLabel?: string
  /** Overrides detection of the @loro-extended/repo version ("5.x" / "6.x"). */
  libraryVersion?: string
  /** Told when the server refuses us (a wrong token, say); a warning on the console by default. */
  onRefused?: (reason: string) => void
  /** Reconnection and buffer limits (tests shorten them). */
  link?: { minDelayMs?: number; maxDelayMs?: number; graceMs?: number; maxBufferedChars?: number }
}

interface Source {
  handle: HookHandle
  link: SourceLink
  repos: number
}

/** One hook and one socket per server, for the whole process. */
const sources = new Map<string, Source>()

const noop = () => {}

export function connect(repo: unknown, options: NodeConnectOptions = {}): () => void {
  try {
    const named = options.server ?? process.env[STANDALONE_ENV]
    if (!named) return noop
    const address = parseStandaloneAddress(named)
    if (!address.ok) {
      console.warn(`ephemera-devtools: ${address.error}`)
      return noop
    }
    const url = hookSocketUrl(address.value)
    // Read before a socket opens: an option that throws must not leave one behind.
    const registration = {
      ...(options.label === undefined ? {} : { label: options.label }),
      ...(options.libraryVersion === undefined ? {} : { libraryVersion: options.libraryVersion }),
    }
    const source = sources.get(url) ?? openSource(url, options)
    sources.set(url, source)
    const unregister = source.handle.hook.register(repo, registration)
    source.repos++
    let done = false
    return () => {
      if (done) return
      done = true
      try {
        unregister()
        source.handle.hook.flush()
        if (--source.repos > 0) return
        sources.delete(url)
        source.handle.dispose()
        source.link.close()
      } catch {
        // Disconnecting never throws into the app.
      }
    }
  } catch {
    return noop
  }
}

function openSource(url: string, options: NodeConnectOptions): Source {
  const link = new SourceLink({
    url,
    openSocket: openWsSocket,
    source: `${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
    label: options.processLabel ?? `${basename(process.argv[1] ?? "node")} (pid ${process.pid})`,
    onRefused:
      options.onRefused ??
      (reason => console.warn(`ephemera-devtools: the standalone server refused this process (${reason}); is the token right?`)),
    ...options.link,
  })
  // No window: discovery and attach-by-expression find nothing here; repos come through connect().
  const handle = createHook({ transport: link, url: () => `node://${process.pid}`, root: {} })
  return { handle, link, repos: 0 }
}

/** A `ws` socket that does not keep the process alive by itself: the app's own work does. */
function openWsSocket(url: string): SocketLike {
  const socket = new WebSocket(url)
  socket.on("upgrade", response => response.socket.unref())
  return socket as unknown as SocketLike
}
