/**
 * The shipped builds carry no test seams: `npm test` runs this after the
 * build. It fails when a shipped bundle (dist/chrome, dist/firefox, the
 * standalone panel page, the npm package) names a test global
 * (`window.__ephemera…`) or the hook's fault injection, and also when the
 * test builds (dist/test/…) do not: a check that cannot find what it looks
 * for proves nothing.
 *
 *   tsx scripts/shipped-seams.ts [distDir]
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative, resolve } from "node:path"

/** Every name the test seams define: the panel's window globals, and the hook's register option. */
export const SEAM_NAME = /__ephemera[A-Z]\w*|__faultInjection/g

export interface SeamFound {
  file: string
  name: string
}

/** The seam names each script or page under `dir` contains (one entry per file and name). */
export function findSeams(dir: string): SeamFound[] {
  const found: SeamFound[] = []
  for (const file of filesUnder(dir)) {
    if (!/\.(js|mjs|html)$/.test(file)) continue
    const names = new Set(readFileSync(file, "utf8").match(SEAM_NAME) ?? [])
    for (const name of names) found.push({ file: relative(dir, file), name })
  }
  return found
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** What ships, under dist/. */
export const SHIPPED_BUILDS = ["chrome", "firefox", "standalone-panel", "package"]

/** The test builds under dist/test/, and the seams each must carry (the standalone page has no hook). */
export const TEST_BUILDS: Readonly<Record<string, readonly string[]>> = {
  chrome: ["__ephemeraPanelState", "__faultInjection", "__ephemeraTestError"],
  firefox: ["__ephemeraPanelState", "__faultInjection", "__ephemeraTestError"],
  "standalone-panel": ["__ephemeraPanelState"],
}

/** Problems with the builds under `dist`; empty when the shipped ones are clean and the test ones are not. */
export function checkBuilds(dist: string): string[] {
  const problems: string[] = []
  for (const build of SHIPPED_BUILDS) {
    if (!existsSync(join(dist, build))) problems.push(`dist/${build} is missing: build it first`)
    else for (const { file, name } of findSeams(join(dist, build))) problems.push(`dist/${build}/${file} names the test seam ${name}`)
  }
  for (const [build, seams] of Object.entries(TEST_BUILDS)) {
    const inTestBuild = new Set(existsSync(join(dist, "test", build)) ? findSeams(join(dist, "test", build)).map(found => found.name) : [])
    for (const expected of seams) {
      if (!inTestBuild.has(expected)) problems.push(`dist/test/${build} lacks ${expected}: the check would not see it either`)
    }
  }
  return problems
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dist = resolve(process.argv[2] ?? resolve(import.meta.dirname, "..", process.env.EPHEMERA_DIST ?? "dist"))
  const problems = checkBuilds(dist)
  for (const problem of problems) console.error(`✗ ${problem}`)
  if (problems.length > 0) process.exit(1)
  console.log("shipped builds carry no test seams")
}
