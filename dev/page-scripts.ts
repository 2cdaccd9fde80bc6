/**
 * What the extension puts into a page, for the demo page inside the dev page
 * (npm run dev): the hook, then the relay, whose port to the "background"
 * is a MessagePort to the dev page around it. Loaded as the demo page's
 * first script, so the hook exists before the app's own scripts run.
 */
import "../injected/hook.iife"
import { CONTENT_PORT } from "../protocol/messages"
import { createRelay } from "../extension/relay/relay"
import { CONNECT_REQUEST, portLike } from "./frame-ports"

const relay = createRelay({
  window,
  connect: () => {
    const channel = new MessageChannel()
    parent.postMessage({ type: CONNECT_REQUEST, name: CONTENT_PORT }, location.origin, [channel.port2])
    return portLike(channel.port1)
  },
  url: () => location.href,
})
// A content script's port closes with its page; the dev page hears it as a disconnect.
addEventListener("pagehide", () => relay.stop())
