import { createRequire } from "node:module"
import { dirname, resolve } from "node:path"
import { defineConfig } from "vite"

const require = createRequire(import.meta.url)
// `require` resolves to dist/cjs/…; the ES entries sit beside it in dist/mjs.
const automergeDist = resolve(dirname(require.resolve("@automerge/automerge")), "..")

/**
 * Builds the automerge-repo demo page into dist/demo-automerge, where its
 * sync server serves it from. automerge's browser entry imports its .wasm as
 * an ES module, which needs a bundler plugin; its base64 entry initialises
 * the same wasm from a string, so no plugin is needed.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, "client"),
  base: "./",
  publicDir: false,
  resolve: {
    alias: [{ find: /^@automerge\/automerge$/, replacement: resolve(automergeDist, "mjs/entrypoints/fullfat_base64.js") }],
  },
  build: {
    outDir: resolve(import.meta.dirname, "../..", process.env.EPHEMERA_DIST ?? "dist", "demo-automerge"),
    emptyOutDir: true,
    target: "es2022",
    // automerge's wasm, inlined as base64, makes the bundle about 5 MB.
    chunkSizeWarningLimit: 6144,
  },
})
