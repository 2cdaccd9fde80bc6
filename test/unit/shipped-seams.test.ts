/**
 * The check `npm test` runs over the builds (scripts/shipped-seams.ts), on
 * made-up build folders: it fails on a shipped bundle naming a test seam,
 * and on test builds that name none (it would then see nothing anywhere).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { checkBuilds, findSeams } from "../../scripts/shipped-seams"

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A dist folder with these files (path -> content). */
function dist(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "ephemera-dist-"))
  dirs.push(root)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

const TEST_PANEL = 'Object.defineProperty(window,"__ephemeraPanelState",{get:()=>s()})'
const TEST_BACKGROUND = "e.runtime.sendMessage({__ephemeraTestError:r})"
const TEST_HOOK = "o?.__faultInjection&&(r.faults=o.__faultInjection)"
const clean = {
  "chrome/assets/panel.js": 'globalThis.__EPHEMERA_DEVTOOLS_HOOK__;console.log("panel")',
  "firefox/assets/panel.js": 'console.log("panel")',
  "test/chrome/assets/panel.js": TEST_PANEL,
  "test/chrome/injected/hook.iife.js": TEST_HOOK,
  "test/chrome/assets/background.js": TEST_BACKGROUND,
  "test/firefox/assets/panel.js": TEST_PANEL,
  "test/firefox/injected/hook.iife.js": TEST_HOOK,
  "standalone-panel/assets/index.js": 'console.log("standalone")',
  "package/node.js": 'console.log("hook")',
  "test/standalone-panel/assets/index.js": TEST_PANEL,
  "test/firefox/assets/background.js": TEST_BACKGROUND,
}

describe("the shipped builds' seam check", () => {
  it("passes shipped builds without seams beside test builds with them (the hook's own global is no seam)", () => {
    expect(checkBuilds(dist(clean))).toEqual([])
  })

  it("fails on a shipped bundle that names a test global or the fault injection", () => {
    const leaked = dist({
      ...clean,
      "chrome/assets/panel.js": "window.__ephemeraRecordingCursor=1;window.__ephemeraLastExport=2",
      "firefox/injected/hook.iife.js": TEST_HOOK,
      "firefox/assets/background.js": TEST_BACKGROUND,
    })
    expect(checkBuilds(leaked)).toEqual([
      "dist/chrome/assets/panel.js names the test seam __ephemeraRecordingCursor",
      "dist/chrome/assets/panel.js names the test seam __ephemeraLastExport",
      "dist/firefox/assets/background.js names the test seam __ephemeraTestError",
      "dist/firefox/injected/hook.iife.js names the test seam __faultInjection",
    ])
  })

  it("checks the standalone panel page and the npm package too", () => {
    const leaked = dist({
      ...clean,
      "package/node.js": TEST_HOOK,
      "standalone-panel/assets/index.js": TEST_PANEL,
      "test/standalone-panel/assets/index.js": "",
    })
    expect(checkBuilds(leaked)).toEqual([
      "dist/standalone-panel/assets/index.js names the test seam __ephemeraPanelState",
      "dist/package/node.js names the test seam __faultInjection",
      "dist/test/standalone-panel lacks __ephemeraPanelState: the check would not see it either",
    ])
  })

  it("fails when the test builds name no seam: the check would be blind", () => {
    const blind = dist({
      ...clean,
      "test/firefox/assets/panel.js": "",
      "test/firefox/injected/hook.iife.js": "",
      "test/firefox/assets/background.js": "",
    })
    expect(checkBuilds(blind)).toEqual([
      "dist/test/firefox lacks __ephemeraPanelState: the check would not see it either",
      "dist/test/firefox lacks __faultInjection: the check would not see it either",
      "dist/test/firefox lacks __ephemeraTestError: the check would not see it either",
    ])
  })

  it("reads pages and scripts, not other files", () => {
    const root = dist({ "a/page.html": "<script>__ephemeraX=1</script>", "a/notes.txt": "__ephemeraY", "a/b.mjs": "__ephemeraZ" })
    expect(
      findSeams(join(root, "a"))
        .map(found => found.name)
        .sort(),
    ).toEqual(["__ephemeraX", "__ephemeraZ"])
  })
})
