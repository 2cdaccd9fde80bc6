/**
 * What the package exports, and how each part is built. One row per entry:
 * a new entry (the recording replay for tests, say) is one more row here,
 * and the generated package.json, the type declarations and the pack test
 * pick it up.
 *
 * - `./connect`, for browser apps: nothing but the global hook lookup;
 * - `./node`, the Node entry: the hook and its WebSocket link, with `ws`
 *   bundled in (Node 20 has no WebSocket of its own), so the app installs no
 *   runtime dependency of ours;
 * - the `ephemera-devtools` command (server/cli.js), `ws` bundled too.
 * Nothing of @loro-extended/repo or loro-crdt is bundled: the hook taps the
 * app's repo object, and the server serves the app's own loro-crdt.
 */
import { builtinModules } from "node:module"
import { resolve } from "node:path"
import type { InlineConfig } from "vite"

export const ROOT = resolve(import.meta.dirname, "../..")

export interface PackageEntry {
  /** The export's subpath ("./connect"), or undefined for the command. */
  subpath: string | undefined
  /** Its source, from the repository's root. */
  source: string
  /** Where the build writes it, inside the package. */
  file: string
  /** Node-only (its export gets the `node` condition; builtins stay imports). */
  node: boolean
}

export const ENTRIES: readonly PackageEntry[] = [
  { subpath: "./connect", source: "injected/connect.ts", file: "connect.js", node: false },
  { subpath: "./node", source: "standalone/node/connect.ts", file: "node.js", node: true },
  { subpath: undefined, source: "standalone/server/cli.ts", file: "server/cli.js", node: true },
]

/** The command's name (`npx ephemera-devtools`). */
export const BIN_NAME = "ephemera-devtools"

/** Never bundled: Node's own modules, the peer libraries, and ws's optional native speed-ups. */
const EXTERNAL = [
  ...builtinModules,
  ...builtinModules.map(name => `node:${name}`),
  /^@loro-extended\//,
  /^loro-crdt/,
  "bufferutil",
  "utf-8-validate",
]

export function viteConfigFor(entry: PackageEntry, packageDir: string): InlineConfig {
  const input = resolve(ROOT, entry.source)
  return {
    configFile: false,
    root: ROOT,
    logLevel: "warn",
    define: { __EPHEMERA_TEST_SEAMS__: "false" },
    ...(entry.node ? { ssr: { noExternal: true, target: "node" as const } } : {}),
    build: {
      outDir: packageDir,
      emptyOutDir: false,
      target: entry.node ? "node20" : "es2022",
      minify: false,
      ssr: entry.node ? input : undefined,
      lib: { entry: input, formats: ["es"], fileName: () => entry.file },
      rollupOptions: {
        external: EXTERNAL,
        output: { entryFileNames: entry.file, ...(entry.subpath === undefined ? { banner: "#!/usr/bin/env node" } : {}) },
      },
    },
  }
}
