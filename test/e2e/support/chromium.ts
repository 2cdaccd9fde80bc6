/**
 * Real Chromium with the built extension loaded (Playwright over CDP).
 * The panel is opened as a plain extension page with ?tabId=N; the one test
 * that needs the real DevTools UI lives in devtools.ts.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium, type BrowserContext, type Page, type Worker } from "playwright-core"
import { CHROMIUM_QUIET_FLAGS, chromiumPath } from "./browsers"
import { CHROME_DIST, PANEL_PATH } from "./paths"
import { waitFor } from "./wait"

export interface ChromiumSession {
  context: BrowserContext
  extensionId: string
  /** Opens `url` in a new tab and returns it with its tab id. */
  openTab(url: string): Promise<{ page: Page; tabId: number }>
  /** Opens the panel page for a tab, as a plain extension page. */
  openPanel(tabId: number): Promise<Page>
  /** Stops the extension's service worker, as Chrome does when it idles. */
  stopServiceWorker(): Promise<void>
  serviceWorker(): Promise<Worker>
  close(): Promise<void>
}

export async function launchChromium(): Promise<ChromiumSession> {
  const profile = mkdtempSync(join(tmpdir(), "ephemera-chromium-"))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: false,
    args: ["--headless=new", ...CHROMIUM_QUIET_FLAGS, `--disable-extensions-except=${CHROME_DIST}`, `--load-extension=${CHROME_DIST}`],
  })

  const serviceWorker = async (): Promise<Worker> => {
    const running = context.serviceWorkers().find(w => w.url().startsWith("chrome-extension://"))
    return running ?? (await context.waitForEvent("serviceworker", { timeout: 15_000 }))
  }
  const extensionId = new URL((await serviceWorker()).url()).host

  return {
    context,
    extensionId,
    serviceWorker,
    async openTab(url) {
      const page = await context.newPage()
      await page.goto(url)
      await page.bringToFront()
      const worker = await serviceWorker()
      const tabId = await worker.evaluate(async () => {
        const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true })
        return tab?.id ?? -1
      })
      if (tabId < 0) throw new Error(`no tab id for ${url}`)
      return { page, tabId }
    },
    async openPanel(tabId) {
      const panel = await context.newPage()
      await panel.goto(`chrome-extension://${extensionId}/${PANEL_PATH}?tabId=${tabId}`)
      return panel
    },
    async stopServiceWorker() {
      // The CDP ServiceWorker domain of one of our extension pages sees the
      // extension's worker; stopWorker ends it exactly as an idle timeout does.
      const page = await context.newPage()
      await page.goto(`chrome-extension://${extensionId}/extension/devtools.html`)
      const cdp = await context.newCDPSession(page)
      // Every status each version went through: the relay reconnects within
      // milliseconds and wakes the worker again, so "stopped" may be followed
      // by "starting" before we look.
      const seen = new Map<string, Set<string>>()
      cdp.on("ServiceWorker.workerVersionUpdated", event => {
        for (const version of event.versions) {
          if (!version.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) continue
          if (!seen.has(version.versionId)) seen.set(version.versionId, new Set())
          seen.get(version.versionId)!.add(version.runningStatus)
        }
      })
      await cdp.send("ServiceWorker.enable")
      const running = await waitFor(() => [...seen].find(([, statuses]) => statuses.has("running"))?.[0], "a running worker")
      seen.get(running)!.clear()
      await cdp.send("ServiceWorker.stopWorker", { versionId: running })
      await waitFor(() => seen.get(running)!.has("stopped"), "the worker to stop")
      await cdp.detach()
      await page.close()
    },
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
