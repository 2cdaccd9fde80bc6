/**
 * Builds the content scripts as self-contained IIFEs and adds them to the
 * built manifest. A MAIN-world script at document_start must define the hook
 * before the page's first script, so it cannot go through crxjs' async
 * loader; crxjs' own IIFE build (`standaloneFiles`) passes rolldown an option
 * it ignores and prints a warning for each script on every build. This does
 * the same job with options rolldown takes as they are.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import { build, type Plugin, type ResolvedConfig, type Rolldown } from "vite"

export interface ContentScript {
  /** The source, from the project root: "injected/hook.iife.ts". */
  source: string
  /** The manifest entry, without `js` (matches, run_at, world, all_frames). */
  entry: Record<string, unknown>
}

/** "injected/hook.iife.ts" -> "injected/hook.iife.js". */
export function outputNameOf(source: string): string {
  return source.replace(/\.[cm]?tsx?$/, ".js")
}

export function iifeContentScripts(scripts: readonly ContentScript[]): Plugin {
  let config: ResolvedConfig
  return {
    name: "ephemera:iife-content-scripts",
    apply: "build",
    enforce: "post",
    configResolved(resolved) {
      config = resolved
    },
    // After crxjs has written manifest.json (it completes the manifest late in the bundle's life).
    async writeBundle(options) {
      const outDir = options.dir ?? config.build.outDir
      for (const script of scripts) {
        const fileName = outputNameOf(script.source)
        const code = await buildIife(config, script.source, fileName)
        await mkdir(dirname(join(outDir, fileName)), { recursive: true })
        await writeFile(join(outDir, fileName), code)
      }
      const manifestPath = join(outDir, "manifest.json")
      const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { content_scripts?: unknown[] }
      const declared = scripts.map(script => ({ ...script.entry, js: [outputNameOf(script.source)] }))
      manifest.content_scripts = [...(manifest.content_scripts ?? []), ...declared]
      await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
    },
  }
}

async function buildIife(config: ResolvedConfig, source: string, fileName: string): Promise<string> {
  const result = await build({
    configFile: false,
    root: config.root,
    mode: config.mode,
    logLevel: "warn",
    define: config.define,
    resolve: { alias: config.resolve.alias, conditions: config.resolve.conditions },
    build: {
      write: false,
      emptyOutDir: false,
      copyPublicDir: false,
      target: config.build.target,
      minify: config.build.minify,
      lib: { entry: source, formats: ["iife"], name: basename(source).replace(/\W/g, "_"), fileName: () => fileName },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
  const chunk = outputs.flatMap(output => output.output).find(item => item.type === "chunk" && item.isEntry)
  if (chunk?.type !== "chunk") throw new Error(`no IIFE bundle for ${source}`)
  return chunk.code
}
