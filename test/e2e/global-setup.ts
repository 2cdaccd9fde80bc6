/**
 * Runs once before the e2e files: refuses to start without both browsers (and
 * Xvfb, for the Firefox toolbox) or
 * without a build, and starts the demo hub that every test page talks to.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import type { TestProject } from "vitest/node"
import { startHub } from "../../demo/server/hub"
import { chromiumPath, firefoxPath } from "./support/browsers"
import { startFixtureServer } from "./support/fixture-server"
import { CHROME_DIST, DEMO_DIST, FIREFOX_DIST, FIXTURE_APPS_DIST, SHIPPED_CHROME_DIST, SHIPPED_FIREFOX_DIST } from "./support/paths"
import { xvfbPath } from "./support/xvfb"

declare module "vitest" {
  export interface ProvidedContext {
    demoUrl: string
    fixtureUrl: string
  }
}

export default async function setup(project: TestProject) {
  chromiumPath()
  firefoxPath()
  xvfbPath()
  const builds = [CHROME_DIST, FIREFOX_DIST, DEMO_DIST, SHIPPED_CHROME_DIST, SHIPPED_FIREFOX_DIST, FIXTURE_APPS_DIST]
  for (const dir of builds) {
    const marker = dir === DEMO_DIST ? "index.html" : dir === FIXTURE_APPS_DIST ? "react/index.html" : "manifest.json"
    if (!existsSync(join(dir, marker))) {
      throw new Error(`${dir} is missing: run \`npm run build\` first (npm test does).`)
    }
  }
  const hub = await startHub({ port: 0, staticDir: DEMO_DIST })
  const fixtures = await startFixtureServer()
  project.provide("demoUrl", hub.url)
  project.provide("fixtureUrl", fixtures.url)
  return async () => {
    await Promise.all([hub.close(), fixtures.close()])
  }
}
