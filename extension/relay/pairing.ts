/**
 * The relay's end of the private channel to the page hook (the hook's end:
 * injected/bridge/relay-channel.ts, which explains the handshake).
 *
 * The relay offers the hook's port in a cancelable RELAY_PORT_EVENT when it
 * loads and again when it hears HOOK_READY_EVENT, until an offer comes back
 * cancelled: the hook took it. Both scripts run at document_start, before
 * any page script, so that happens before a page could listen. From then on
 * the port is never offered again, and every pairing event is a page
 * imitating one side: counted, and otherwise ignored.
 *
 * The offer's `data` is our PROTOCOL_VERSION, a number (it crosses into the
 * page's world as it is). A hook of another version takes the port only to
 * answer with the version it speaks (HookVersionAnnouncement), which the
 * relay reports to its panel.
 *
 * What a page script that runs before both could do (no browser runs one
 * before a document_start content script, but an extension installed into
 * an open tab arrives late): answer the offer itself. docs/architecture.md
 * says what that means.
 */
import { HOOK_READY_EVENT, PROTOCOL_VERSION, RELAY_PORT_EVENT } from "../../protocol/messages"

export interface Pairing {
  /** The relay's end of the channel: the hook's messages arrive here once paired. */
  readonly port: MessagePort
  readonly paired: boolean
  stop(): void
}

export interface PairingOptions {
  /** A pairing event that is not part of a pairing. */
  onForgery: () => void
}

export function pairWithHook(win: Window, { onForgery }: PairingOptions): Pairing {
  const channel = new MessageChannel()
  let paired = false
  let offering = false

  function offer(): void {
    offering = true
    try {
      // Not a window message: a synchronous event, heard only by listeners that exist right now.
      paired = !win.dispatchEvent(new MessageEvent(RELAY_PORT_EVENT, { cancelable: true, data: PROTOCOL_VERSION, ports: [channel.port2] }))
    } finally {
      offering = false
    }
  }

  function onHookReady(): void {
    if (paired) onForgery()
    else offer()
  }

  function onPortEvent(): void {
    if (!offering) onForgery()
  }

  win.addEventListener(HOOK_READY_EVENT, onHookReady, true)
  win.addEventListener(RELAY_PORT_EVENT, onPortEvent, true)
  offer()

  return {
    port: channel.port1,
    get paired() {
      return paired
    },
    stop() {
      win.removeEventListener(HOOK_READY_EVENT, onHookReady, true)
      win.removeEventListener(RELAY_PORT_EVENT, onPortEvent, true)
      channel.port1.close()
    },
  }
}
