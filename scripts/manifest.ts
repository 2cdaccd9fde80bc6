/**
 * One manifest source (manifest.json, Chrome's shape) turned into each
 * browser's manifest. Firefox MV3 has no background service worker: it runs
 * `background.scripts` as an event page, and needs a gecko id.
 */
import base from "../manifest.json" with { type: "json" }
import pkg from "../package.json" with { type: "json" }

export type Target = "chrome" | "firefox"

/** Fixed so tests can predict the moz-extension:// UUID they assign. */
export const GECKO_ID = "ephemera-devtools@ephemera.dev"

export function manifestFor(target: Target): Record<string, unknown> {
  const manifest: Record<string, unknown> = structuredClone(base)
  manifest.version = pkg.version
  if (target === "firefox") {
    delete manifest.minimum_chrome_version
    manifest.background = { scripts: ["extension/background.ts"], type: "module" }
    manifest.browser_specific_settings = {
      gecko: {
        id: GECKO_ID,
        // The Firefox ESR the tests run in (docs/stores.md); Chrome's is minimum_chrome_version.
        strict_min_version: "153.0",
        data_collection_permissions: { required: ["none"] },
      },
      // No gecko_android: Firefox for Android has no DevTools, so the panel has nowhere to open.
    }
  }
  return manifest
}
