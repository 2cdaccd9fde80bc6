import { spawn } from "node:child_process"
import { chromium } from "playwright-core"
import { describe, expect, it } from "vitest"
import { CHROMIUM_QUIET_FLAGS, chromiumPath } from "./support/browsers"
import { ROOT } from "./support/paths"
import { waitFor } from "./support/wait"

/**
 * `npm run dev`: the dev page serves the panel from its sources, with hot
 * reload, beside the demo app; the panel connects to the demo page's repos
 * through the real relay and tab router; Ctrl-C stops it cleanly.
 */
describe("npm run dev", () => {
  it("serves the panel hot-reloadable, connected to the demo page's repos, and stops on SIGINT", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts"], {
      cwd: ROOT,
      env: { ...process.env, DEMO_PORT: "0", DEV_PORT: "0" },
    })
    let output = ""
    child.stdout.on("data", chunk => (output += chunk))
    child.stderr.on("data", chunk => (output += chunk))
    const exited = new Promise<number | null>(resolve => child.on("exit", code => resolve(code)))
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless=new", ...CHROMIUM_QUIET_FLAGS] })
    try {
      const devPage = await waitFor(() => /✓ dev page: (\S+)/.exec(output)?.[1], `the dev server to start:\n${output}`, 60_000)
      // The panel's components are served with Vite's hot-update code, not as a build.
      const app = await (await fetch(new URL("/devtools-panel/App.svelte", devPage))).text()
      expect(app).toContain("import.meta.hot")

      const page = await browser.newPage()
      await page.goto(devPage)
      const repos = () => page.evaluate(() => document.querySelectorAll('[data-testid="repo-item"]').length)
      // The demo page in the frame runs three peers, each registered with the hook.
      await waitFor(async () => (await repos()) === 3, "the panel to show the demo page's three repos", 30_000)
      expect(await page.getAttribute('[data-testid="page-status"]', "data-connected")).toBe("true")

      child.kill("SIGINT")
      expect(await exited).toBe(0)
    } finally {
      await browser.close()
      child.kill("SIGKILL")
    }
  })
})
