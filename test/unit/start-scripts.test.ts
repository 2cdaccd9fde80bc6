/**
 * `npm start` builds only what it starts: the browser's shipped extension,
 * the demo and the standalone panel page (`-- --standalone`), not the other
 * browser, the test builds or the fixture apps.
 */
import { describe, expect, it } from "vitest"
import pkg from "../../package.json" with { type: "json" }

const scripts: Record<string, string> = pkg.scripts

/** The npm scripts a script runs, followed through the ones they run. */
function runs(name: string): string[] {
  const direct = [...(scripts[name] ?? "").matchAll(/npm run ([\w:-]+)/g)].map(match => match[1]!)
  return direct.flatMap(inner => [inner, ...runs(inner)])
}

describe("npm start", () => {
  it.each([
    ["start", "build:chrome", "build:firefox"],
    ["start:firefox", "build:firefox", "build:chrome"],
  ])("%s builds %s, the demo and the standalone panel, and not %s", (script, builds, skips) => {
    expect(runs(script)).toEqual([builds, "build:demo", "build:standalone"])
    expect(runs(script)).not.toContain(skips)
  })
})
