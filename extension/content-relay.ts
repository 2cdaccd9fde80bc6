/**
 * ISOLATED-world content script, run at document_start: the only bridge
 * between the page hook and the extension. It pairs with the hook over a
 * private channel before any page script runs, forwards the hook's batches
 * to the background, buffers them while the background is away (an MV3
 * service worker can be stopped at any time), and counts everything it
 * refuses (see relay/relay.ts).
 */
import browser from "webextension-polyfill"
import { createRelay } from "./relay/relay"

createRelay({
  window,
  connect: () => browser.runtime.connect({ name: "ephemera:content" }),
  url: () => location.href,
})
