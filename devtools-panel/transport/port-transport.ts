/**
 * The real transport: a runtime port to the background that reconnects by
 * itself (an MV3 service worker can stop at any time).
 *
 * On every (re)connection it says which tab it inspects and subscribes to the
 * page hook, which answers with a full resync (hook/hello, then
 * repo/registered per repo). It subscribes again when the background reports
 * a newly connected page (a reload or navigation gives a new hook) and asks
 * that page to scan for Repo-like globals once.
 *
 * Watching the other tabs of the inspected tab's origin (a room across tabs)
 * is said again on every connection, like the hello; snapshot requests to
 * them are dropped while the background is away (the next one follows soon).
 */
import {
  PANEL_PORT,
  PROTOCOL_VERSION,
  assertNever,
  type BackgroundToPanelMessage,
  type PanelToBackgroundMessage,
  type PanelToHookMessage,
} from "../../protocol/messages"
import { reconnectingPort, type PortLike } from "../../extension/ports/reconnecting-port"
import { isBackgroundToPanel } from "../../protocol/validate"
import { TransportListeners } from "./listeners"
import { fromWire, StreamIntakes, type PanelTransport } from "./transport"

/** Page-bound messages held while the background is away; an attach request is worth keeping, a flood is not. */
const MAX_QUEUED = 100

export interface PortTransportOptions {
  tabId: number
  /** Opens a port named PANEL_PORT (browser.runtime.connect in the extension). */
  connect: () => PortLike
  minDelayMs?: number
  maxDelayMs?: number
}

export interface PortTransport extends PanelTransport {
  close(): void
}

export function portTransport(options: PortTransportOptions): PortTransport {
  const listeners = new TransportListeners()
  const queue: PanelToHookMessage[] = []
  /** The store replicas of the page's stream and other tabs' (they outlive reconnects: a resubscribe reseeds them). */
  const intakes = new StreamIntakes()
  /** The page as last reported on the current connection; undefined right after connecting. */
  let page: { connected: boolean; url?: string } | undefined
  let watchingOrigin = false

  const toPage = (message: PanelToHookMessage): PanelToBackgroundMessage => ({ type: "panel/to-page", message })

  function subscribe(send: (message: unknown) => void): void {
    send(toPage({ type: "panel/subscribe" }))
    send(toPage({ type: "discovery/scan" }))
  }

  const port = reconnectingPort({
    connect: options.connect,
    name: PANEL_PORT,
    minDelayMs: options.minDelayMs,
    maxDelayMs: options.maxDelayMs,
    onConnect: send => {
      page = undefined
      send({ type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: options.tabId } satisfies PanelToBackgroundMessage)
      subscribe(send)
      if (watchingOrigin) send({ type: "panel/watch-origin", watch: true } satisfies PanelToBackgroundMessage)
      for (const message of queue.splice(0)) send(toPage(message))
      listeners.setStatus("connected")
    },
    onMessage: raw => {
      // The background is our own code, but a message still has to look like one before the reducer sees it.
      if (!isBackgroundToPanel(raw)) return
      // Received, whatever is in it: the relay forgets it (and sends it again otherwise).
      if (raw.type === "background/page-batch") port.send({ type: "panel/received", seq: raw.seq } satisfies PanelToBackgroundMessage)
      for (const message of fromWire(raw, intakes)) {
        if (message.type === "background/page-status") watchPage(message)
        listeners.emit(message)
      }
    },
    onDisconnect: () => listeners.setStatus("disconnected"),
  })

  /**
   * The first status after connecting describes the page our subscribe went to.
   * After that, a page that (re)connects or changes url has a fresh hook that
   * knows nothing of us.
   */
  function watchPage(message: Extract<BackgroundToPanelMessage, { type: "background/page-status" }>): void {
    const previous = page
    page = { connected: message.connected === true, url: message.url }
    if (!page.connected || previous === undefined) return
    if (!previous.connected || previous.url !== page.url) subscribe(raw => port.send(raw))
  }

  return {
    send(message) {
      switch (message.type) {
        case "panel/hello":
        case "panel/received":
          return // this transport's own business
        case "panel/watch-origin":
          watchingOrigin = message.watch === true
          port.send(message)
          return
        case "panel/snapshot-origin":
          port.send(message)
          return
        case "panel/to-page":
          break
        default:
          assertNever(message)
      }
      if (port.send(message)) return
      queue.push(message.message)
      if (queue.length > MAX_QUEUED) queue.shift()
    },
    onMessage: listener => listeners.onMessage(listener),
    onStatus: listener => listeners.onStatus(listener),
    close() {
      port.close()
      listeners.clear()
    },
  }
}
