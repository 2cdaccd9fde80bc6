import { svelte } from "@sveltejs/vite-plugin-svelte"
import { resolve } from "node:path"
import { defineConfig } from "vite"

/**
 * The standalone panel page: dist/standalone-panel (with EPHEMERA_TEST_SEAMS=1,
 * dist/test/standalone-panel, with the test globals). The package build copies
 * the shipped one beside its server.
 */
const testSeams = process.env.EPHEMERA_TEST_SEAMS === "1"
const dist = resolve(import.meta.dirname, "../..", process.env.EPHEMERA_DIST ?? "dist")

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [svelte({ configFile: resolve(import.meta.dirname, "../../svelte.config.js") })],
  resolve: {
    alias: [{ find: /^loro-crdt$/, replacement: resolve(import.meta.dirname, "loro-from-server.ts") }],
  },
  build: {
    outDir: resolve(dist, testSeams ? "test/standalone-panel" : "standalone-panel"),
    emptyOutDir: true,
    target: "es2022",
    // Under load every build would print rolldown's plugin-timing notice, which reads like a warning.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  define: { __EPHEMERA_TEST_SEAMS__: JSON.stringify(testSeams) },
})
