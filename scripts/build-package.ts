/**
 * `npm run build:package`: the npm package an app installs, in dist/package,
 * with a package.json of its own. The repository's package.json stays what
 * it is (private, with the tools, tests and demo as devDependencies); the
 * generated one names only what an app needs: the built entries
 * (entries.ts), their type declarations, the standalone panel's page,
 * README and licenses, peer dependencies and no runtime dependency.
 * `npm pack dist/package` makes the tarball (test/package/ installs it).
 */
import { execFileSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join, resolve } from "node:path"
import { build } from "vite"
import { BIN_NAME, ENTRIES, ROOT, viteConfigFor } from "./package/entries"
import { packageJsonFor } from "./package/manifest"

const outDir = resolve(ROOT, process.env.EPHEMERA_DIST ?? "dist", "package")
const panelDir = resolve(ROOT, process.env.EPHEMERA_DIST ?? "dist", "standalone-panel")

function fail(message: string): never {
  console.error(`build-package: ${message}`)
  process.exit(1)
}

if (!existsSync(join(panelDir, "index.html"))) fail(`${panelDir} is missing: npm run build:standalone first`)
rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })

for (const entry of ENTRIES) await build(viteConfigFor(entry, outDir))

// Declarations: each entry's types must stand alone (no import of our other files).
const typesDir = mkdtempSync(join(tmpdir(), "ephemera-types-"))
const sources = ENTRIES.filter(entry => entry.subpath !== undefined).map(entry => entry.source)
execFileSync(
  process.execPath,
  [
    resolve(ROOT, "node_modules/typescript/bin/tsc"),
    ...["--ignoreConfig", "--declaration", "--emitDeclarationOnly", "--outDir", typesDir],
    ...["--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022", "--lib", "es2022,dom", "--types", "node"],
    ...["--strict", "--skipLibCheck", "build-flags.d.ts", ...sources],
  ],
  { cwd: ROOT, stdio: "inherit" },
)
for (const entry of ENTRIES) {
  if (entry.subpath === undefined) continue
  const declaration = readFileSync(join(typesDir, entry.source.replace(/\.ts$/, ".d.ts")), "utf8")
  if (/from\s+["']\.{1,2}\//.test(declaration)) fail(`${entry.source}'s types import other files of ours: export only self-contained types`)
  writeFileSync(join(outDir, entry.file.replace(/\.js$/, ".d.ts")), declaration)
}
rmSync(typesDir, { recursive: true, force: true })

cpSync(panelDir, join(outDir, "server", "panel"), { recursive: true })
cpSync(join(ROOT, "LICENSE"), join(outDir, "LICENSE"))
cpSync(join(ROOT, "docs", "package-readme.md"), join(outDir, "README.md"))
// ws is bundled into node.js and server/cli.js: its license travels with it.
writeFileSync(
  join(outDir, "THIRD_PARTY_LICENSES.md"),
  `# Bundled third-party code\n\nnode.js and server/cli.js include [ws](https://github.com/websockets/ws) ${
    JSON.parse(readFileSync(join(ROOT, "node_modules/ws/package.json"), "utf8")).version
  }:\n\n\`\`\`\n${readFileSync(join(ROOT, "node_modules/ws/LICENSE"), "utf8").trim()}\n\`\`\`\n`,
)

const rootPackage = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))
writeFileSync(join(outDir, "package.json"), `${JSON.stringify(packageJsonFor(rootPackage), null, 2)}\n`)
console.log(`✓ ${basename(outDir)}: ${ENTRIES.map(entry => entry.subpath ?? `bin ${BIN_NAME}`).join(", ")} (npm pack ${outDir})`)
