/**
 * MAIN-world content script, run at document_start before any page script
 * and bundled by crxjs as a self-contained IIFE (see vite.config.ts). It
 * pairs with the content relay (bridge/relay-channel.ts), wires the modules
 * together and defines the global hook, once: a second injection (or a page
 * that brought its own hook) keeps the first.
 */
import { HOOK_GLOBAL } from "../protocol/messages"
import { relayChannel } from "./bridge/relay-channel"
import { createHook } from "./hook/create-hook"
import { onPageLeave } from "./hook/page-leave"
import { HOOK_VERSION } from "./hook/version"

try {
  const scope = globalThis as unknown as Record<string, unknown>
  if (typeof window !== "undefined" && scope[HOOK_GLOBAL] === undefined) {
    const { hook } = createHook({
      transport: relayChannel(window, { hookVersion: HOOK_VERSION }),
      url: () => location.href,
      root: window,
      onPageLeave: listener => onPageLeave(window, listener),
    })
    Object.defineProperty(globalThis, HOOK_GLOBAL, { value: hook, enumerable: false, configurable: true, writable: false })
  }
} catch {
  // The page must load exactly as it would without DevTools.
}
