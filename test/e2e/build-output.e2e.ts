import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { ROOT } from "./support/paths"

/** What build tools print when something deserves a look: "(!)", "WARN", "warning", "deprecated", rolldown's timing notice. */
const WARNING = /\(!\)|\bwarn(ing)?s?\b|deprecat|PLUGIN_TIMINGS/i

/**
 * A clean build prints no warnings: a newcomer reads every one as an error.
 * Each build `npm run build` runs, into a scratch folder.
 */
describe("the build's output", () => {
  it.each(["build:chrome", "build:firefox", "build:demo", "build:demo:automerge", "build:fixtures", "build:package"])(
    "npm run %s prints no warnings",
    { timeout: 240_000 },
    script => {
      const dist = mkdtempSync(join(tmpdir(), "ephemera-build-"))
      try {
        const result = spawnSync("npm", ["run", script], {
          cwd: ROOT,
          env: { ...process.env, EPHEMERA_DIST: dist, FORCE_COLOR: "0" },
          encoding: "utf8",
        })
        const output = `${result.stdout}${result.stderr}`
        expect(result.status, output).toBe(0)
        expect(output.split("\n").filter(line => WARNING.test(line))).toEqual([])
      } finally {
        rmSync(dist, { recursive: true, force: true })
      }
    },
  )
})
