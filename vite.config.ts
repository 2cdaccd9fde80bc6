import { crx } from "@crxjs/vite-plugin"
import { svelte } from "@sveltejs/vite-plugin-svelte"
import { resolve } from "node:path"
import { defineConfig } from "vite"
import { iifeContentScripts, type ContentScript } from "./scripts/iife-content-scripts.ts"
import { manifestFor, type Target } from "./scripts/manifest.ts"

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

// The content scripts are built as IIFEs by our own plugin (see
// scripts/iife-content-scripts.ts); crxjs gets the rest of the manifest.
const { content_scripts: declaredScripts, ...manifest } = manifestFor(target) as { content_scripts: Array<{ js: string[] }> }
const contentScripts: ContentScript[] = declaredScripts.map(({ js, ...entry }) => {
  if (js.length !== 1) throw new Error("manifest.json: one source file per content script")
  return { source: js[0]!, entry }
})

export default defineConfig({
  plugins: [
    svelte(),
    ...(typeCheckOnly ? [] : [crx({ manifest: manifest as never, browser: target } as never), iifeContentScripts(contentScripts)]),
  ],
  build: {
    // EPHEMERA_DIST lets parallel work (and its e2e runs) build elsewhere than dist/.
    outDir: `${process.env.EPHEMERA_DIST ?? "dist"}/${testSeams ? "test/" : ""}${target}`,
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // Under load every build would print rolldown's plugin-timing notice, which reads like a warning.
      checks: { pluginTimings: false },
      // The panel page is only referenced from devtools.panels.create().
      input: { panel: resolve(import.meta.dirname, "devtools-panel/index.html") },
    },
  },
  define: { __EPHEMERA_TEST_SEAMS__: JSON.stringify(testSeams) },
  server: { port: 5174, strictPort: true },
})
