/**
 * `npm run package`: installable zips of both shipped builds (never the test
 * builds, dist/test/) in dist/packages
 * (Chrome Web Store upload / Firefox add-on) via web-ext, which zips
 * deterministically and is already our Firefox linter.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { resolve } from "node:path"
import pkg from "../package.json" with { type: "json" }

const root = resolve(import.meta.dirname, "..")
const out = resolve(root, "dist/packages")
mkdirSync(out, { recursive: true })

for (const target of ["chrome", "firefox"] as const) {
  const filename = `ephemera-devtools-${target}-${pkg.version}.zip`
  execFileSync(
    resolve(root, "node_modules/.bin/web-ext"),
    ["build", "--source-dir", resolve(root, "dist", target), "--artifacts-dir", out, "--filename", filename, "--overwrite-dest"],
    { stdio: "inherit" },
  )
  console.log(`packaged ${resolve(out, filename)}`)
}
