/**
 * ISOLATED-world content script: the only bridge between the page hook and
 * the extension. It validates every window message, forwards good batches to
 * the background, buffers them while the background is away (an MV3 service
 * worker can be stopped at any time), and counts everything it refuses.
 */
import browser from "webextension-polyfill"
import { createRelay } from "./relay/relay"

createRelay({
  window,
  connect: () => browser.runtime.connect({ name: "ephemera:content" }),
  url: () => location.href,
})
