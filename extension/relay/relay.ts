/**
 * The content relay: pairs with the page hook over a private channel at
 * document_start (pairing.ts), forwards the hook's batches to the background,
 * buffers them while the background is away (an MV3 service worker can be
 * stopped at any time), passes the panel's commands to the hook, and counts
 * everything it refuses: window messages and pairing events that imitate
 * the hook or the panel, and anything malformed.
 */
import {
  CONTENT_PORT,
  PAGE_SOURCE,
  PROTOCOL_VERSION,
  RELAY_SOURCE,
  assertNever,
  type BackgroundToContentMessage,
  type ContentToBackgroundMessage,
  type DropReason,
  type PanelToHookMessage,
} from "../../protocol/messages"
import { checkHookToRelay, checkPanelToHook, isBackgroundToContent, versionAnnouncementOf } from "../../protocol/validate"
import { DropCounter } from "./drop-counter"
import { pairWithHook } from "./pairing"
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
  /** Whether the hook took the private channel. */
  readonly paired: boolean
  /** Batches waiting for the background or a panel. */
  readonly buffered: number
  stop(): void
}

interface Buffered {
  seq: number
  batchJson: string
  count: number
}

export function createRelay({ window: win, connect, url }: RelayOptions): Relay {
  const drops = new DropCounter()
  /** Batches waiting for the background, oldest first, with what they carry (for loss accounting). */
  const buffer: Buffered[] = []
  /** Forwarded, but no panel has acknowledged them yet; all older than anything in `buffer`. */
  const unacknowledged: Buffered[] = []
  /** Batches discarded since the last one forwarded: told to the panel with the next, so it can tell a real gap from a jump. */
  let skipped = 0
  let listening = false
  /**
   * Whether the background on this port has said if a panel listens. Until
   * it has, nothing is forwarded: a restarted background may not have heard
   * from the panel yet, and would drop a batch while routing the next one,
   * which the panel would then see before the first one's resend.
   */
  let answered = false
  let graceTimer: ReturnType<typeof setTimeout> | undefined

  const port = reconnectingPort({
    connect,
    name: CONTENT_PORT,
    onConnect: send => {
      answered = false
      send({ type: "content/hello", protocol: PROTOCOL_VERSION, url: url() })
      // Our counters replace whatever the background kept from this tab's last page.
      send({ type: "content/stats", stats: drops.snapshot() } satisfies ContentToBackgroundMessage)
      drops.takeChanged()
    },
    onMessage: raw => {
      if (isBackgroundToContent(raw)) handleBackground(raw)
    },
    onDisconnect: () => {
      // Keep what we were told (the panel most likely still listens) for the
      // grace period; the next background's answer settles it. What this one
      // never acknowledged goes out again, first.
      requeueUnacknowledged()
    },
  })

  const pairing = pairWithHook(win, { onForgery: () => drops.count("spoofed-pairing") })
  pairing.port.addEventListener("message", event => onHookMessage(event.data))
  pairing.port.start()

  function post(message: PanelToHookMessage): void {
    pairing.port.postMessage(message)
  }

  /** Unacknowledged batches go back to the front of the buffer, in order; the panel skips those it has by their seq. */
  function requeueUnacknowledged(): void {
    buffer.unshift(...unacknowledged.splice(0))
  }

  function forward(batch: Buffered): boolean {
    const { seq, batchJson } = batch
    const message: ContentToBackgroundMessage = { type: "content/page-batch", seq, batchJson, ...(skipped > 0 ? { skipped } : {}) }
    if (!port.send(message)) return false
    skipped = 0
    unacknowledged.push(batch)
    return true
  }

  function flush(): void {
    while (buffer.length > 0 && listening && answered && port.connected) {
      if (!forward(buffer[0]!)) return
      buffer.shift()
    }
  }

  function setListening(next: boolean): void {
    listening = next
    // With no panel left, what none acknowledged is kept for the next one.
    if (!next) requeueUnacknowledged()
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
      skipped += buffer.length
      buffer.length = 0
      post({ type: "panel/unsubscribe" })
    }, LISTEN_GRACE_MS)
  }

  function handleBackground(message: BackgroundToContentMessage): void {
    switch (message.type) {
      case "background/panel-listening":
        answered = true
        setListening(message.listening === true)
        return
      case "background/to-page": {
        const checked = checkPanelToHook(message.message)
        if (checked.ok) post(checked.value)
        return
      }
      case "background/received":
        while (unacknowledged.length > 0 && unacknowledged[0]!.seq <= message.seq) unacknowledged.shift()
        return
      default:
        assertNever(message)
    }
  }

  function onHookMessage(data: unknown): void {
    const spoken = versionAnnouncementOf(data)
    if (spoken) {
      // A hook of another version answered our offer with the version it speaks
      // (HookVersionAnnouncement): nothing else will come. Ours is not news.
      if (spoken.protocol !== PROTOCOL_VERSION) drops.hearPageProtocol(spoken)
      return
    }
    const checked = checkHookToRelay(data)
    if (!checked.ok) {
      drops.count(checked.reason)
      return
    }
    enqueue({ seq: checked.value.seq, batchJson: checked.value.batchJson, count: checked.value.count })
  }

  /** The window carries nothing of ours: whatever arrives there is counted, never taken. */
  function onWindowMessage(event: MessageEvent): void {
    drops.count(windowMessageReason(event.data))
  }

  function enqueue(batch: Buffered): void {
    if (!(listening && answered && buffer.length === 0 && forward(batch))) buffer.push(batch)
    if (buffer.length + unacknowledged.length > MAX_BUFFERED_BATCHES) {
      drops.lose((unacknowledged.shift() ?? buffer.shift())!.count)
      skipped++
    }
  }

  const statsTimer = setInterval(() => {
    // A change stays pending while the background is away.
    if (!port.connected || !drops.takeChanged()) return
    port.send({ type: "content/stats", stats: drops.snapshot() } satisfies ContentToBackgroundMessage)
  }, STATS_INTERVAL_MS)

  win.addEventListener("message", onWindowMessage)

  return {
    drops,
    get paired() {
      return pairing.paired
    },
    get buffered() {
      return buffer.length
    },
    stop() {
      win.removeEventListener("message", onWindowMessage)
      pairing.stop()
      clearInterval(statsTimer)
      clearTimeout(graceTimer)
      port.close()
    },
  }
}

/** Why a window message is refused: the tags of the hook and the relay are worn only by imitations now. */
function windowMessageReason(data: unknown): DropReason {
  const source = typeof data === "object" && data !== null ? (data as { source?: unknown }).source : undefined
  if (source === RELAY_SOURCE) return "spoofed-relay"
  if (source === PAGE_SOURCE) return "spoofed-page"
  return "foreign-source"
}
