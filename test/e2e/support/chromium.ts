/**
 * The browser session in real Chromium with the built extension loaded
 * (Playwright over CDP, a persistent context). The panel is opened as a plain
 * extension page with ?tabId=N; the one test that needs the real DevTools UI
 * lives in devtools.ts.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium, type BrowserContext, type Page, type Worker } from "playwright-core"
import { CHROMIUM_QUIET_FLAGS, chromiumPath } from "./browsers"
import { COLLECTOR_PATH, takeCollectedErrors } from "./extension-errors"
import { CHROME_DIST, PANEL_PATH } from "./paths"
import { sharedPageParts, VIEWPORT, type BrowserSession, type DriverPage, type SessionPage } from "./session"
import { waitFor } from "./wait"

/** Chromium as Playwright sees it: for scenarios through `launchChromium`, and for the benchmarks directly. */
export interface ChromiumBrowser {
  context: BrowserContext
  extensionId: string
  openTab(url: string): Promise<{ page: Page; tabId: number }>
  openPanel(tabId: number): Promise<Page>
  stopServiceWorker(): Promise<void>
  close(): Promise<void>
}

/** The scenarios' browser session over Chromium. */
export async function launchChromium(): Promise<BrowserSession> {
  const chromium = await launchChromiumBrowser()
  let collector: Promise<Page> | undefined
  return {
    name: "chromium",
    openTab: async url => {
      const { page, tabId } = await chromium.openTab(url)
      return { page: playwrightPage(page), tabId }
    },
    openPanel: async tabId => playwrightPage(await chromium.openPanel(tabId)),
    stopBackground: () => chromium.stopServiceWorker(),
    async takeExtensionErrors() {
      collector ??= chromium.context.newPage().then(async page => {
        await page.goto(`chrome-extension://${chromium.extensionId}/${COLLECTOR_PATH}`)
        return page
      })
      return takeCollectedErrors(playwrightPage(await collector))
    },
    close: () => chromium.close(),
  }
}

export async function launchChromiumBrowser(): Promise<ChromiumBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "ephemera-chromium-"))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: false,
    viewport: VIEWPORT,
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
    async openTab(url) {
      const page = await context.newPage()
      await page.goto(url)
      await page.bringToFront()
      // Without the `tabs` permission the worker still sees which tab is in front.
      const tabId = await (await serviceWorker()).evaluate(async () => {
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
    stopServiceWorker: () => stopServiceWorker(context, extensionId),
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

function playwrightPage(page: Page): SessionPage {
  return {
    // The two libraries type evaluate() differently; at run time both take (fn, arg).
    ...sharedPageParts(page as unknown as DriverPage),
    click: (selector, options) =>
      page
        .locator(selector)
        .first()
        .click({ modifiers: options?.shift ? ["Shift"] : [] }),
    press: key => page.keyboard.press(key),
    chooseFile: (selector, name, bytes) =>
      page.locator(selector).setInputFiles({ name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) }),
    setViewportSize: size => page.setViewportSize(size),
  }
}

/** Ends the extension's service worker exactly as an idle timeout does (CDP's ServiceWorker.stopWorker). */
async function stopServiceWorker(context: BrowserContext, extensionId: string): Promise<void> {
  // The CDP ServiceWorker domain of one of our extension pages sees the
  // extension's worker. The panel page with no tab to inspect does nothing
  // else (the devtools page, outside DevTools, would throw).
  const page = await context.newPage()
  await page.goto(`chrome-extension://${extensionId}/${PANEL_PATH}`)
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
}
