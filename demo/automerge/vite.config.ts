import { resolve } from "node:path"
import { defineConfig } from "vite"

/**
 * Builds the automerge-repo demo page into dist/demo-automerge, where its
 * sync server serves it from. automerge's .wasm is emitted as an asset and
 * loaded by the page itself (client/automerge-wasm.ts), so no plugin is needed.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, "client"),
  base: "./",
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, "../..", process.env.EPHEMERA_DIST ?? "dist", "demo-automerge"),
    emptyOutDir: true,
    target: "es2022",
    // automerge's wasm alone is 3.6 MB; the warning would fire on every build.
    chunkSizeWarningLimit: 4096,
    // Under load every build would print rolldown's plugin-timing notice, which reads like a warning.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
})
