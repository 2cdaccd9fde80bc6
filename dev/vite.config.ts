import { svelte } from "@sveltejs/vite-plugin-svelte"
import { resolve } from "node:path"
import { defineConfig, type Plugin } from "vite"

/**
 * The dev server behind `npm run dev` (scripts/dev.ts starts it with the
 * demo hub): the dev page (/dev/index.html) with the panel, hot-reloading,
 * beside the demo app served from its sources (/demo/client/index.html).
 */
const root = resolve(import.meta.dirname, "..")

/** The demo page gets the hook and the relay as its first script, as the extension gives a page. */
function injectPageScripts(): Plugin {
  return {
    name: "ephemera-dev-page-scripts",
    transformIndexHtml: {
      order: "pre",
      handler(_html, context) {
        if (!context.filename.endsWith("/demo/client/index.html")) return []
        return [{ tag: "script", attrs: { type: "module", src: "/dev/page-scripts.ts" }, injectTo: "head-prepend" }]
      },
    },
  }
}

export default defineConfig({
  root,
  plugins: [svelte(), injectPageScripts()],
  define: {
    __EPHEMERA_TEST_SEAMS__: "false",
    __EPHEMERA_DEV_HUB__: JSON.stringify(process.env.EPHEMERA_DEV_HUB ?? "ws://127.0.0.1:8787/ws"),
  },
  resolve: {
    // loro's browser build loads its .wasm next to itself (import.meta.url):
    // served as is, not pre-bundled, and not the bundler build Vite picks in dev.
    alias: [{ find: /^loro-crdt$/, replacement: "loro-crdt/browser" }],
  },
  optimizeDeps: { exclude: ["loro-crdt"] },
  server: { host: "127.0.0.1", port: Number(process.env.DEV_PORT ?? 5173), strictPort: false },
})
