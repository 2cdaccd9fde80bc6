/**
 * Background (Chrome: MV3 service worker; Firefox: event page). Routes by tab
 * id between content-script relays and panels. Its only state is the set of
 * open ports, which both sides rebuild by reconnecting after a restart.
 */
import browser from "webextension-polyfill"
import { CONTENT_PORT } from "../protocol/messages"
import { siteOf } from "./background/sender-site"
import { TabRouter, type RouterPort } from "./background/tab-router"
import { reportErrorsForTests } from "./test-seams/error-report"

// Test builds only (build-flags.d.ts): the e2e tests fail on any error here.
if (typeof __EPHEMERA_TEST_SEAMS__ === "boolean" && __EPHEMERA_TEST_SEAMS__) reportErrorsForTests("background")

const router = new TabRouter()
const ownOrigin = browser.runtime.getURL("")

browser.runtime.onConnect.addListener(port => {
  const sender = port.sender
  // Only our own extension's contexts: content scripts carry our id, panel
  // pages also load from our origin. Anything else is hung up on.
  if (sender?.id !== browser.runtime.id) {
    port.disconnect()
    return
  }
  const routerPort: RouterPort = {
    name: port.name,
    tabId: sender.tab?.id,
    frameId: sender.frameId,
    fromExtensionPage: typeof sender.url === "string" && sender.url.startsWith(ownOrigin),
    // The browser's record of the page a relay runs in, for a room across tabs.
    site: port.name === CONTENT_PORT ? siteOf(sender) : undefined,
    post: message => port.postMessage(message),
    disconnect: () => port.disconnect(),
  }
  if (!router.accept(routerPort)) return
  port.onMessage.addListener(message => router.receive(routerPort, message))
  port.onDisconnect.addListener(() => router.drop(routerPort))
})
