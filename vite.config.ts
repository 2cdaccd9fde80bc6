import { crx } from "@crxjs/vite-plugin"
import { svelte } from "@sveltejs/vite-plugin-svelte"
import { resolve } from "node:path"
import { defineConfig } from "vite"
import { manifestFor, type Target } from "./scripts/manifest"

/**
 * Builds the extension for one browser: `EPHEMERA_TARGET=firefox vite build`
 * writes dist/firefox, the default writes dist/chrome. With
 * EPHEMERA_TEST_SEAMS=1 it builds the test build the end-to-end tests load,
 * into dist/test/<browser>: the same extension plus its test globals
 * (build-flags.d.ts), which the shipped build leaves out.
 */
const target = (process.env.EPHEMERA_TARGET ?? "chrome") as Target
const testSeams = process.env.EPHEMERA_TEST_SEAMS === "1"

// svelte-check loads this file in serve mode, where crx() empties the output
// folder: leave crx() out when only the type checker is asking.
const typeCheckOnly = process.argv.some(arg => arg.includes("svelte-check"))

export default defineConfig({
  plugins: [
    svelte(),
    ...(typeCheckOnly
      ? []
      : [
          crx({
            manifest: manifestFor(target) as never,
            browser: target,
            // A MAIN-world script through crxjs' async loader would define the
            // hook too late; standalone files are self-contained IIFEs.
            contentScripts: { standaloneFiles: ["injected/hook.iife.ts", "extension/content-relay.ts"] },
          } as never),
        ]),
  ],
  build: {
    // EPHEMERA_DIST lets parallel work (and its e2e runs) build elsewhere than dist/.
    outDir: `${process.env.EPHEMERA_DIST ?? "dist"}/${testSeams ? "test/" : ""}${target}`,
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // The panel page is only referenced from devtools.panels.create().
      input: { panel: resolve(import.meta.dirname, "devtools-panel/index.html") },
    },
  },
  define: { __EPHEMERA_TEST_SEAMS__: JSON.stringify(testSeams) },
  server: { port: 5174, strictPort: true },
})
