import { resolve } from "node:path"
import { defineConfig } from "vite"

/**
 * Builds the demo page into dist/demo, where the hub serves it from.
 * loro-crdt's browser build fetches its .wasm as an emitted asset, so no plugin is needed.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, "client"),
  base: "./",
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, "..", process.env.EPHEMERA_DIST ?? "dist", "demo"),
    emptyOutDir: true,
    target: "es2022",
    // loro's wasm alone is 3.6 MB; the warning would fire on every build.
    chunkSizeWarningLimit: 4096,
    // Under load every build would print rolldown's plugin-timing notice, which reads like a warning.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
})
