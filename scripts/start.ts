/**
 * `npm start`: the demo hub, and a browser with the extension loaded and the
 * Ephemera panel open on the demo page. With no display it runs headless and
 * prints one line per step, the panel's URL, and where it saved a screenshot
 * of the panel, so there is something to look at without a screen.
 *
 *   npm start                      Chromium (Debian's /usr/bin/chromium or CHROME_PATH)
 *   npm run start:firefox          Firefox ESR (panel opened as a detached panel tab)
 *   DEMO_PORT=9000 npm start       another port for the demo hub
 *   npm start -- --standalone      also the standalone panel, the hub's repo in it,
 *                                  opened in a tab beside (EPHEMERA_PORT, default 8790)
 */
import { mkdirSync } from "node:fs"
import { resolve } from "node:path"
import { startHub } from "../demo/server/hub"
import { STANDALONE_DEFAULT_PORT } from "../protocol/standalone"
import { startStandaloneServer } from "../standalone/server/server"
import { openInRealDevTools } from "../test/e2e/support/devtools"
import { launchFirefox } from "../test/e2e/support/firefox"
import { DEMO_DIST, ROOT, SHIPPED_STANDALONE_PANEL_DIST, STANDALONE_PANEL_DIST } from "../test/e2e/support/paths"
import { waitFor } from "../test/e2e/support/wait"

const browserName = process.argv.includes("--browser") ? process.argv[process.argv.indexOf("--browser") + 1] : "chromium"
const headless = !process.env.DISPLAY
const port = Number(process.env.DEMO_PORT ?? 8787)
const standalone = process.argv.includes("--standalone")
// The shipped page unless the tests ask for the one with test globals.
const standalonePanelDir = process.env.EPHEMERA_EXTENSION === "shipped" ? SHIPPED_STANDALONE_PANEL_DIST : STANDALONE_PANEL_DIST

const step = (text: string) => console.log(`✓ ${text}`)

/** Where the panel's screenshot goes: beside the builds, overwritten on every start. */
const SCREENSHOT = resolve(ROOT, process.env.EPHEMERA_DIST ?? "dist", "screenshots", `panel-${browserName}.png`)

/** Repo rows with a size on screen: counted, not just present in the DOM. */
const visibleRepos = () =>
  [...document.querySelectorAll('[data-testid="repo-item"]')].filter(item => {
    const box = item.getBoundingClientRect()
    return box.width > 0 && box.height > 0
  }).length

/** What Ctrl-C has to undo, filled in as the steps succeed. */
const cleanups: Array<() => Promise<unknown>> = []
let stopping = false

async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  console.log("stopped")
  process.exit(0)
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)

async function main(): Promise<void> {
  const server = standalone
    ? await startStandaloneServer({ port: Number(process.env.EPHEMERA_PORT ?? STANDALONE_DEFAULT_PORT), panelDir: standalonePanelDir })
    : undefined
  if (server) {
    cleanups.push(() => server.close())
    step(`standalone panel listening: ${server.panelUrl}`)
  }
  const hub = await startHub({ port, staticDir: DEMO_DIST, ...(server ? { standalone: server.address } : {}) })
  cleanups.push(() => hub.close())
  const demoUrl = `${hub.url}/?room=lobby&peers=3`
  step(`demo hub listening: ${hub.url}/?room=lobby`)

  let panelRepos: () => Promise<number>
  let openPage: (url: string) => Promise<{ evaluate(fn: () => number): Promise<number> }>
  let panelUrl: () => Promise<string>
  let screenshot: (path: string) => Promise<unknown>
  if (browserName === "firefox") {
    const firefox = await launchFirefox({ headless })
    cleanups.push(() => firefox.close())
    step("Firefox ESR started with the extension installed")
    const { tabId } = await firefox.openTab(demoUrl)
    const panel = await firefox.openPanel(tabId)
    step(`panel attached to tab ${tabId} (detached panel tab)`)
    panelRepos = () => panel.evaluate(visibleRepos)
    // Firefox's page.url() lags behind a page opened without awaiting its load (see support/firefox.ts).
    panelUrl = () => panel.evaluate(() => location.href)
    screenshot = path => panel.screenshot(path)
    openPage = async url => (await firefox.openTab(url)).page
  } else {
    const session = await openInRealDevTools(demoUrl, { headless })
    cleanups.push(() => session.close())
    step(`Chromium started with the extension loaded${headless ? " (headless)" : ""}`)
    step("panel attached: DevTools is open on the demo page with the Ephemera panel selected")
    panelRepos = () => session.panel.evaluate(visibleRepos)
    panelUrl = async () => session.panel.url()
    // The panel is a frame inside the DevTools window: the window's screenshot shows it where it lives.
    screenshot = path => session.devtools.screenshot({ path })
    openPage = async url => {
      const page = await session.browser.newPage()
      await page.goto(url)
      return page
    }
  }
  const repos = await waitFor(panelRepos, "the panel to show the demo page's repos", 30_000)
  step(`page connected: the panel shows ${repos} repos from ${demoUrl}`)
  step(`panel: ${await panelUrl()}`)
  mkdirSync(resolve(SCREENSHOT, ".."), { recursive: true })
  await screenshot(SCREENSHOT)
  step(`panel screenshot saved: ${SCREENSHOT}`)
  if (server) {
    const page = await openPage(server.panelUrl)
    const repoItems = () => page.evaluate(() => document.querySelectorAll('[data-testid="repo-item"]').length)
    await waitFor(repoItems, "the standalone panel to show the hub's repo", 30_000)
    step(`hub connected: the standalone panel shows the hub's repo (${server.panelUrl})`)
  }
  console.log(headless ? "Running headless. Press Ctrl-C to stop." : "Press Ctrl-C to stop.")
}

main().catch(async error => {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`)
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  process.exit(1)
})
