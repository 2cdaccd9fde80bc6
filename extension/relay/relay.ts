import {
  CONTENT_PORT,
  PROTOCOL_VERSION,
  RELAY_SOURCE,
  assertNever,
  type BackgroundToContentMessage,
  type ContentToBackgroundMessage,
  type PanelToHookMessage,
  type RelayHello,
  type RelayWindowEnvelope,
} from "../../protocol/messages"
import { checkPageEnvelope, checkPanelToHook, isBackgroundToContent, isVersionAnnouncement, pageProtocolOf } from "../../protocol/validate"
import { DropCounter } from "./drop-counter"
import { reconnectingPort, type PortLike } from "../ports/reconnecting-port"

/** Batches held while nobody can take them; beyond this the oldest are counted as lost. */
export const MAX_BUFFERED_BATCHES = 5_000
/** How long the relay waits for a panel to come back before telling the hook to go idle. */
export const LISTEN_GRACE_MS = 3_000
/** How often changed drop counters are reported. */
const STATS_INTERVAL_MS = 250

export interface RelayOptions {
  window: Window
  connect: () => PortLike
  url: () => string
}

export interface Relay {
  readonly drops: DropCounter
  stop(): void
}

export function createRelay({ window: win, connect, url }: RelayOptions): Relay {
  const nonce = randomNonce()
  const drops = new DropCounter()
  /** Batch texts waiting for the background, oldest first, with what they carry (for loss accounting). */
  const buffer: Array<{ batchJson: string; count: number }> = []
  let listening = false
  let graceTimer: ReturnType<typeof setTimeout> | undefined

  const port = reconnectingPort({
    connect,
    name: CONTENT_PORT,
    onConnect: send => {
      send({ type: "content/hello", protocol: PROTOCOL_VERSION, url: url() })
      // Our counters replace whatever the background kept from this tab's last page.
      send({ type: "content/stats", stats: drops.snapshot() } satisfies ContentToBackgroundMessage)
      drops.takeChanged()
    },
    onMessage: raw => {
      if (isBackgroundToContent(raw)) handleBackground(raw)
    },
    onDisconnect: () => {
      // Keep what we were told: the panel most likely still listens, and the
      // background will say otherwise once it is back.
    },
  })

  function post(message: PanelToHookMessage | RelayHello): void {
    const envelope: RelayWindowEnvelope = { source: RELAY_SOURCE, protocol: PROTOCOL_VERSION, nonce, message }
    win.postMessage(envelope, "*")
  }

  function flush(): void {
    while (buffer.length > 0 && listening && port.connected) {
      if (!port.send({ type: "content/page-batch", batchJson: buffer[0]!.batchJson } satisfies ContentToBackgroundMessage)) return
      buffer.shift()
    }
  }

  function setListening(next: boolean): void {
    listening = next
    if (next) {
      clearTimeout(graceTimer)
      graceTimer = undefined
      flush()
      return
    }
    if (graceTimer !== undefined) return
    graceTimer = setTimeout(() => {
      graceTimer = undefined
      if (listening) return
      buffer.length = 0
      post({ type: "panel/unsubscribe" })
    }, LISTEN_GRACE_MS)
  }

  function handleBackground(message: BackgroundToContentMessage): void {
    switch (message.type) {
      case "background/panel-listening":
        setListening(message.listening === true)
        return
      case "background/to-page": {
        const checked = checkPanelToHook(message.message)
        if (checked.ok) post(checked.value)
        return
      }
      default:
        assertNever(message)
    }
  }

  function onWindowMessage(event: MessageEvent): void {
    const data: unknown = event.data
    if (isRelayEnvelope(data)) {
      // Our own messages to the hook come back to us; anything else wearing
      // our tag is a page pretending to be the panel.
      if (data.nonce !== nonce) drops.count("spoofed-relay")
      return
    }
    if (event.source !== win) {
      drops.count("foreign-source")
      return
    }
    if (isVersionAnnouncement(data)) {
      // The hook tells a relay of another version which one it speaks; ours is not news.
      const spoken = pageProtocolOf(data)
      if (spoken && spoken.protocol !== PROTOCOL_VERSION) drops.hearPageProtocol(spoken)
      return
    }
    const checked = checkPageEnvelope(data)
    if (!checked.ok) {
      drops.count(checked.reason)
      const spoken = checked.reason === "bad-version" ? pageProtocolOf(data) : undefined
      if (spoken) drops.hearPageProtocol(spoken)
      return
    }
    enqueue(checked.value.batchJson, checked.value.count)
  }

  function enqueue(batchJson: string, count: number): void {
    if (listening && buffer.length === 0 && port.send({ type: "content/page-batch", batchJson } satisfies ContentToBackgroundMessage)) {
      return
    }
    buffer.push({ batchJson, count })
    if (buffer.length > MAX_BUFFERED_BATCHES) drops.lose(buffer.shift()!.count)
  }

  const statsTimer = setInterval(() => {
    // A change stays pending while the background is away.
    if (!port.connected || !drops.takeChanged()) return
    port.send({ type: "content/stats", stats: drops.snapshot() } satisfies ContentToBackgroundMessage)
  }, STATS_INTERVAL_MS)

  win.addEventListener("message", onWindowMessage)
  // We run at document_start, before any page script: this first relay
  // envelope is genuine, and the hook pins its nonce.
  post({ type: "relay/hello" })

  return {
    drops,
    stop() {
      win.removeEventListener("message", onWindowMessage)
      clearInterval(statsTimer)
      clearTimeout(graceTimer)
      port.close()
    },
  }
}

function isRelayEnvelope(data: unknown): data is RelayWindowEnvelope {
  return typeof data === "object" && data !== null && (data as { source?: unknown }).source === RELAY_SOURCE
}

function randomNonce(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("")
}
