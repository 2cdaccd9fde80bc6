/**
 * `npm run package`, after the shipped builds and the demo: everything the
 * two stores take, in dist/packages (or EPHEMERA_PACKAGES):
 * - the installable zips of both shipped builds (never the test builds,
 *   dist/test/; Chrome Web Store upload, Firefox add-on), via web-ext, which
 *   zips deterministically and is already our Firefox linter;
 * - the source archive addons.mozilla.org asks for with bundled code, which
 *   rebuilds those files byte for byte (docs/building-from-source.md);
 * - listing/: the summary, description and privacy text, and screenshots
 *   taken from the demo app by the shipped extension.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import pkg from "../package.json" with { type: "json" }
import { listingText } from "./packaging/listing-text"
import { takeScreenshots } from "./packaging/screenshots"
import { writeSourceArchive } from "./packaging/source-archive"

const root = resolve(import.meta.dirname, "..")
const dist = resolve(root, process.env.EPHEMERA_DIST ?? "dist")
const out = resolve(root, process.env.EPHEMERA_PACKAGES ?? "dist/packages")
mkdirSync(out, { recursive: true })

for (const target of ["chrome", "firefox"] as const) {
  const filename = `ephemera-devtools-${target}-${pkg.version}.zip`
  execFileSync(
    resolve(root, "node_modules/.bin/web-ext"),
    ["build", "--source-dir", resolve(dist, target), "--artifacts-dir", out, "--filename", filename, "--overwrite-dest"],
    { stdio: "inherit" },
  )
  console.log(`packaged ${resolve(out, filename)}`)
}

const archive = resolve(out, `ephemera-devtools-source-${pkg.version}.tar.gz`)
const files = writeSourceArchive(root, archive)
console.log(`source archive ${archive} (${files.length} files; docs/building-from-source.md says how to rebuild)`)

const listing = resolve(out, "listing")
rmSync(listing, { recursive: true, force: true })
mkdirSync(listing, { recursive: true })
const text = listingText(root)
writeFileSync(resolve(listing, "summary.txt"), `${text.summary}\n`)
writeFileSync(resolve(listing, "description.txt"), `${text.description}\n`)
writeFileSync(resolve(listing, "privacy.txt"), `${text.privacy}\n`)
const shots = await takeScreenshots(resolve(listing, "screenshots"))
console.log(`listing ${listing} (summary, description, privacy, ${shots.length} screenshots)`)
