/**
 * `npm start`: the demo hub, and a browser with the extension loaded and the
 * Ephemera panel open on the demo page. With no display it runs headless and
 * prints one line per step, so the main command can be checked anywhere.
 *
 *   npm start                      Chromium (Debian's /usr/bin/chromium or CHROME_PATH)
 *   npm run start:firefox          Firefox ESR (panel opened as a detached panel tab)
 *   DEMO_PORT=9000 npm start       another port for the demo hub
 */
import { startHub } from "../demo/server/hub"
import { openInRealDevTools } from "../test/e2e/support/devtools"
import { launchFirefox } from "../test/e2e/support/firefox"
import { DEMO_DIST } from "../test/e2e/support/paths"
import { waitFor } from "../test/e2e/support/wait"

const browserName = process.argv.includes("--browser") ? process.argv[process.argv.indexOf("--browser") + 1] : "chromium"
const headless = !process.env.DISPLAY
const port = Number(process.env.DEMO_PORT ?? 8787)

const step = (text: string) => console.log(`✓ ${text}`)

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
  const hub = await startHub({ port, staticDir: DEMO_DIST })
  cleanups.push(() => hub.close())
  const demoUrl = `${hub.url}/?room=lobby&peers=3`
  step(`demo hub listening: ${hub.url}/?room=lobby`)

  let panelRepos: () => Promise<number>
  if (browserName === "firefox") {
    const firefox = await launchFirefox({ headless })
    cleanups.push(() => firefox.close())
    step("Firefox ESR started with the extension installed")
    const { tabId } = await firefox.openTab(demoUrl)
    const panel = await firefox.openPanel(tabId)
    step(`panel attached to tab ${tabId} (detached panel tab)`)
    panelRepos = () => panel.evaluate(() => document.querySelectorAll('[data-testid="repo-item"]').length)
  } else {
    const session = await openInRealDevTools(demoUrl, { headless })
    cleanups.push(() => session.close())
    step(`Chromium started with the extension loaded${headless ? " (headless)" : ""}`)
    step("panel attached: DevTools is open on the demo page with the Ephemera panel selected")
    panelRepos = () => session.panel.evaluate(() => document.querySelectorAll('[data-testid="repo-item"]').length)
  }
  const repos = await waitFor(panelRepos, "the panel to show the demo page's repos", 30_000)
  step(`page connected: the panel shows ${repos} repos from ${demoUrl}`)
  console.log(headless ? "Running headless. Press Ctrl-C to stop." : "Press Ctrl-C to stop.")
}

main().catch(async error => {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`)
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  process.exit(1)
})
