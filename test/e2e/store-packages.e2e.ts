/**
 * `npm run package` after the build: both store zips, the source archive
 * and the listing folder. The archive is then extracted into an empty
 * folder and built with exactly the commands docs/building-from-source.md
 * gives; every file of both zips must come out byte for byte.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import manifest from "../../manifest.json" with { type: "json" }
import pkg from "../../package.json" with { type: "json" }
import { zipEntries } from "../../scripts/packaging/zip-entries"
import { ROOT } from "./support/paths"

const run = promisify(execFile)
const scratch = mkdtempSync(join(tmpdir(), "ephemera-package-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/**
 * A login shell's environment, not this test runner's (which sets NODE_ENV
 * and VITEST, and Vite builds differently under them); npm takes packages
 * from its cache when it has them.
 */
function freshEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, TMPDIR } = process.env
  return { PATH, HOME, LANG, TMPDIR, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" }
}

/** The commands of the doc's "## Rebuild" block, one per line. */
function documentedCommands(doc: string): string[] {
  const block = /## Rebuild\s+```sh\n([\s\S]*?)```/.exec(doc)?.[1]
  if (!block) throw new Error("docs/building-from-source.md has no ```sh block under ## Rebuild")
  return block
    .split("\n")
    .map(line => line.trim())
    .filter(Boolean)
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter(path => statSync(join(dir, path)).isFile())
    .map(path => relative(dir, join(dir, path)))
    .sort()
}

/** Width and height from a PNG's header. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file)
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
}

describe("npm run package", () => {
  it("writes both zips, a source archive that rebuilds their files byte for byte, and the listing", async () => {
    const out = join(scratch, "packages")
    // What `npm run package` runs after building: the shipped extension, not the test build.
    await run(process.execPath, ["--import", "tsx", "scripts/package.ts"], {
      cwd: ROOT,
      env: { ...process.env, EPHEMERA_PACKAGES: out, EPHEMERA_EXTENSION: "shipped" },
    })
    const zips = { chrome: `ephemera-devtools-chrome-${pkg.version}.zip`, firefox: `ephemera-devtools-firefox-${pkg.version}.zip` }
    const archive = join(out, `ephemera-devtools-source-${pkg.version}.tar.gz`)

    // The listing: text from the repository's own words, screenshots at the stores' size.
    const listing = join(out, "listing")
    expect(readFileSync(join(listing, "summary.txt"), "utf8").trim()).toBe(manifest.description)
    const description = readFileSync(join(listing, "description.txt"), "utf8")
    for (const view of ["Live:", "Simulate:", "Log and Sync:", "Record:"]) expect(description).toContain(view)
    expect(description).not.toMatch(/\]\(|\*\*/)
    expect(readFileSync(join(listing, "privacy.txt"), "utf8")).toContain("sends nothing anywhere")
    const shots = filesUnder(join(listing, "screenshots"))
    expect(shots).toEqual(["1-live.png", "2-simulate.png", "3-log.png", "4-sync.png", "5-record.png"])
    for (const shot of shots) expect(pngSize(join(listing, "screenshots", shot))).toEqual([1280, 800])

    // The rebuild, in an empty folder, with the documented commands and nothing else.
    const source = join(scratch, "source")
    await run("mkdir", ["-p", source])
    await run("tar", ["-xzf", archive, "-C", source])
    const commands = documentedCommands(readFileSync(join(source, "docs/building-from-source.md"), "utf8"))
    for (const command of commands) {
      await run("sh", ["-c", command], { cwd: source, env: freshEnv(), maxBuffer: 64 * 1024 * 1024 }).catch(error => {
        throw new Error(`\`${command}\` failed in the extracted source:\n${error.stdout}\n${error.stderr}`)
      })
    }
    for (const [target, zip] of Object.entries(zips)) {
      const packaged = zipEntries(readFileSync(join(out, zip)))
      const rebuilt = join(source, "dist", target)
      expect(filesUnder(rebuilt), `${target}: the rebuild's files`).toEqual([...packaged.keys()].sort())
      for (const [path, bytes] of packaged) {
        expect(readFileSync(join(rebuilt, path)).equals(bytes), `${target}/${path} differs from the package`).toBe(true)
      }
    }
  }, 600_000)
})
