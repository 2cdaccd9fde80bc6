/**
 * The hook's end of the private channel to the content relay.
 *
 * Pairing happens at document_start, while the hook's and the relay's
 * scripts run and before any page script exists, and it is synchronous in
 * whichever order the browser runs the two (manifest order in Chromium and
 * Firefox today, guaranteed by neither):
 * - relay first: its port offer found nobody; our HOOK_READY_EVENT makes it
 *   offer again, inside our dispatch;
 * - hook first: our HOOK_READY_EVENT finds nobody; the relay's offer, when
 *   it loads, reaches the listener installed here.
 * We take the port and cancel the offer event (that is how the relay learns,
 * synchronously, that it was taken). By the time the page's first script
 * runs, the pairing events are over: a page sees none of them, and any it
 * dispatches itself reach the relay, which counts them, and us, who take no
 * second port.
 *
 * The offer's `data` is the relay's protocol version. A relay of another
 * version (another copy of Ephemera, older or newer, whose hook lost the
 * race to define the global) gets our version instead of a channel: we take
 * its port, post HookVersionAnnouncement on it and close it, so its panel
 * can say which versions meet and what to do. That is why we keep listening
 * after pairing; a page offering ports of made-up versions gets a few such
 * answers, and learns nothing the hook's global does not say.
 *
 * After pairing, the page shares this realm with us and may replace any
 * built-in. The two calls made per message (the port's postMessage, the
 * MessageEvent `data` getter) use references taken now, so no page function
 * is ever handed the port or one of its events.
 */
import {
  HOOK_READY_EVENT,
  PROTOCOL_VERSION,
  RELAY_PORT_EVENT,
  type HookToRelayMessage,
  type HookVersionAnnouncement,
} from "../../protocol/messages"
import type { HookTransport } from "./transport"

/** Relays of this many other protocol versions are told ours; beyond that a page is playing games. */
export const MAX_ANNOUNCEMENTS = 4

export interface RelayChannelOptions {
  /** The hook's version (HOOK_VERSION), told to a relay of another protocol. */
  hookVersion: string
}

export function relayChannel(win: Window, { hookVersion }: RelayChannelOptions): HookTransport {
  const callWith = Reflect.apply
  const postToPort = MessagePort.prototype.postMessage
  const readData = Object.getOwnPropertyDescriptor(MessageEvent.prototype, "data")?.get
  const closePort = MessagePort.prototype.close
  let port: MessagePort | undefined
  let listener: ((message: unknown) => void) | undefined
  /** Protocol versions of relays we told ours. */
  const announcedTo = new Set<number>()

  function onMessage(event: MessageEvent): void {
    if (!listener || !readData) return
    listener(callWith(readData, event, []))
  }

  function onOffer(event: Event): void {
    try {
      const offered = event instanceof MessageEvent ? event.ports[0] : undefined
      if (!(offered instanceof MessagePort)) return
      const theirs: unknown = readData ? callWith(readData, event, []) : undefined
      if (theirs === PROTOCOL_VERSION) {
        if (!port) pair(event, offered)
      } else if (Number.isSafeInteger(theirs)) {
        announceTo(theirs as number, event, offered)
      }
    } catch {
      // An offer we cannot read is not one.
    }
  }

  function pair(event: Event, offered: MessagePort): void {
    port = offered
    event.preventDefault()
    port.addEventListener("message", onMessage)
    port.start()
  }

  /** A relay of another version: it hears which version we speak, and nothing else. */
  function announceTo(theirs: number, event: Event, offered: MessagePort): void {
    if (announcedTo.has(theirs) || announcedTo.size >= MAX_ANNOUNCEMENTS) return
    announcedTo.add(theirs)
    event.preventDefault()
    const announcement: HookVersionAnnouncement = { announce: "version", protocol: PROTOCOL_VERSION, hookVersion }
    callWith(postToPort, offered, [announcement])
    callWith(closePort, offered, [])
  }

  win.addEventListener(RELAY_PORT_EVENT, onOffer, true)
  win.dispatchEvent(new Event(HOOK_READY_EVENT))

  return {
    post(message: HookToRelayMessage) {
      // Before pairing nobody can have subscribed, so there is nothing to send.
      if (port) callWith(postToPort, port, [message])
    },
    listen(next) {
      listener = next
      return () => {
        if (listener === next) listener = undefined
      }
    },
  }
}
