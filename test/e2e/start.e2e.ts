import { spawn } from "node:child_process"
import { readFileSync, rmSync, statSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { ROOT } from "./support/paths"
import { waitFor } from "./support/wait"

/** The first bytes of every PNG file. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * `npm start` after its build step: headless, it proves each step in one
 * line, prints the panel's URL, saves a screenshot of the panel, and Ctrl-C
 * stops it cleanly.
 */
describe("npm start (headless)", () => {
  it.each([
    ["chromium", ""],
    ["firefox", ""],
    ["chromium", "--standalone"],
  ])("prints its confirmation lines in %s %s and exits cleanly on SIGINT", async (browser, flag) => {
    // The shipped build, as `npm start` loads it: no test seams needed.
    const env: NodeJS.ProcessEnv = { ...process.env, DEMO_PORT: "0", EPHEMERA_PORT: "0", EPHEMERA_EXTENSION: "shipped" }
    delete env.DISPLAY
    const args = ["--import", "tsx", "scripts/start.ts", "--browser", browser, ...(flag ? [flag] : [])]
    const child = spawn(process.execPath, args, { cwd: ROOT, env })
    let output = ""
    child.stdout.on("data", chunk => (output += chunk))
    child.stderr.on("data", chunk => (output += chunk))
    const exited = new Promise<number | null>(resolve => child.on("exit", code => resolve(code)))
    try {
      await waitFor(() => output.includes("Press Ctrl-C to stop."), `the start script to finish starting:\n${output}`, 60_000)
      expect(output).toMatch(/✓ demo hub listening: http:\/\/127\.0\.0\.1:\d+/)
      expect(output).toMatch(/✓ (Chromium|Firefox ESR) started with the extension/)
      expect(output).toMatch(/✓ panel attached/)
      expect(output).toMatch(/✓ page connected: the panel shows 3 repos/)
      expect(output).toMatch(/✓ panel: (chrome|moz)-extension:\/\/[\w-]+\/devtools-panel\/index\.html/)
      const screenshot = /✓ panel screenshot saved: (.+\.png)$/m.exec(output)?.[1]
      expect(screenshot, output).toBeDefined()
      expect(readFileSync(screenshot!).subarray(0, 8)).toEqual(PNG_SIGNATURE)
      // A blank page compresses to a few hundred bytes; a panel with three repos does not.
      expect(statSync(screenshot!).size).toBeGreaterThan(10_000)
      rmSync(screenshot!)
      if (flag) expect(output).toMatch(/✓ hub connected: the standalone panel shows the hub's repo \(http:\/\/127\.0\.0\.1:\d+\/#token=/)
      child.kill("SIGINT")
      expect(await exited).toBe(0)
      expect(output).toContain("stopped")
    } finally {
      child.kill("SIGKILL")
    }
  })
})
