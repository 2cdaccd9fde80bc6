/**
 * Where the real browsers are. The e2e suite never skips a browser: a missing
 * one is an error that says how to install it.
 */
import { existsSync } from "node:fs"

export function chromiumPath(): string {
  const path = process.env.CHROME_PATH ?? "/usr/bin/chromium"
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it with: sudo apt-get update && sudo apt-get install -y chromium ` +
        "(or set CHROME_PATH to a Chromium binary).",
    )
  }
  return path
}

export function firefoxPath(): string {
  const path = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr"
  if (!existsSync(path)) {
    throw new Error(
      `Firefox ESR not found at ${path}. Install it with: sudo apt-get update && sudo apt-get install -y firefox-esr ` +
        "(or set FIREFOX_PATH to a Firefox binary).",
    )
  }
  return path
}

/** Flags that keep Chromium off the (closed) network and quiet in CI. */
export const CHROMIUM_QUIET_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-features=Translate,MediaRouter,OptimizationHints",
]
