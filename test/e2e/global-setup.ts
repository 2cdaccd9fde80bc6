/**
 * Runs once before the e2e files: refuses to start without both browsers (and
 * Xvfb, for the Firefox toolbox) or without a build, and starts the demo hub
 * that every test page talks to, and the automerge demo's sync server
 * (automerge-repo's own WebSocket server).
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import type { TestProject } from "vitest/node"
import { startSyncServer } from "../../demo/automerge/server/sync-server"
import { startHub } from "../../demo/server/hub"
import { chromiumPath, firefoxPath } from "./support/browsers"
import { startFixtureServer } from "./support/fixture-server"
import {
  AUTOMERGE_DEMO_DIST,
  CHROME_DIST,
  DEMO_DIST,
  FIREFOX_DIST,
  FIXTURE_APPS_DIST,
  SHIPPED_CHROME_DIST,
  SHIPPED_FIREFOX_DIST,
} from "./support/paths"
import { xvfbPath } from "./support/xvfb"

declare module "vitest" {
  export interface ProvidedContext {
    demoUrl: string
    /** The automerge-repo demo (page and sync server). */
    automergeDemoUrl: string
    fixtureUrl: string
  }
}

export default async function setup(project: TestProject) {
  chromiumPath()
  firefoxPath()
  xvfbPath()
  const pages = [DEMO_DIST, AUTOMERGE_DEMO_DIST]
  for (const dir of [CHROME_DIST, FIREFOX_DIST, ...pages, SHIPPED_CHROME_DIST, SHIPPED_FIREFOX_DIST, FIXTURE_APPS_DIST]) {
    const marker = pages.includes(dir) ? "index.html" : dir === FIXTURE_APPS_DIST ? "react/index.html" : "manifest.json"
    if (!existsSync(join(dir, marker))) {
      throw new Error(`${dir} is missing: run \`npm run build\` first (npm test does).`)
    }
  }
  const hub = await startHub({ port: 0, staticDir: DEMO_DIST })
  const syncServer = await startSyncServer({ port: 0, staticDir: AUTOMERGE_DEMO_DIST })
  const fixtures = await startFixtureServer()
  project.provide("demoUrl", hub.url)
  project.provide("automergeDemoUrl", syncServer.url)
  project.provide("fixtureUrl", fixtures.url)
  return async () => {
    await Promise.all([hub.close(), syncServer.close(), fixtures.close()])
  }
}
