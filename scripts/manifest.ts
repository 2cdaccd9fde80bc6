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
        strict_min_version: "140.0",
        data_collection_permissions: { required: ["none"] },
      },
      // Android learned data_collection_permissions in 142.
      gecko_android: { strict_min_version: "142.0" },
    }
  }
  return manifest
}
