import { resolve } from "node:path"
import { defineConfig } from "vite"

/**
 * Builds the fixture apps the end-to-end tests open: small real apps on the
 * real `react`/`react-dom` and `vue` packages whose repos live where apps
 * keep them (component state), and one that creates its repo late, out of
 * discovery's reach. Served by the e2e fixture server under /apps/.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  publicDir: false,
  logLevel: "warn",
  // Vue's bundler build asks for its feature flags to be set at build time.
  define: { __VUE_OPTIONS_API__: "true", __VUE_PROD_DEVTOOLS__: "false", __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false" },
  build: {
    outDir: resolve(import.meta.dirname, "../../..", process.env.EPHEMERA_DIST ?? "dist", "fixture-apps"),
    emptyOutDir: true,
    target: "es2022",
    // loro's wasm alone is 3.6 MB.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // Under load every build would print rolldown's plugin-timing notice, which reads like a warning.
      checks: { pluginTimings: false },
      input: {
        react: resolve(import.meta.dirname, "react/index.html"),
        vue: resolve(import.meta.dirname, "vue/index.html"),
        "late-global": resolve(import.meta.dirname, "late-global/index.html"),
      },
    },
  },
})
