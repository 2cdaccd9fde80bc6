/**
 * Chromium with the REAL DevTools window open on a page, and the Ephemera
 * panel selected in it (puppeteer-core). This leans on DevTools internals
 * (InspectorView.showPanel), so it is kept to a smoke test.
 */
import puppeteer, { type Browser, type Frame, type Page } from "puppeteer-core"
import { CHROMIUM_QUIET_FLAGS, chromiumPath } from "./browsers"
import { CHROME_DIST, PANEL_PATH } from "./paths"
import { waitFor } from "./wait"

export interface DevToolsSession {
  browser: Browser
  page: Page
  /** The DevTools window itself, showing the panel. */
  devtools: Page
  /** The Ephemera panel: an out-of-process frame inside the DevTools page. */
  panel: Frame
  close(): Promise<void>
}

export interface DevToolsOptions {
  /** False shows real windows (needs a display). */
  headless?: boolean
}

export async function openInRealDevTools(url: string, options: DevToolsOptions = {}): Promise<DevToolsSession> {
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    defaultViewport: options.headless === false ? null : undefined,
    pipe: true,
    enableExtensions: [CHROME_DIST],
    handleDevToolsAsPage: true,
    // The caller decides what Ctrl-C does (npm start closes the hub too).
    handleSIGINT: false,
    handleSIGTERM: false,
    args: CHROMIUM_QUIET_FLAGS,
  })
  try {
    const page = await browser.newPage()
    await page.goto(url)
    const devtools = await page.openDevTools()
    // DevTools has started once our devtools_page runs inside it.
    const extensionId = await waitFor(
      () =>
        browser
          .targets()
          .map(t => t.url())
          .find(u => u.endsWith("/extension/devtools.html"))
          ?.split("/")[2],
      "the devtools_page to start",
    )
    const panelUrl = `chrome-extension://${extensionId}/${PANEL_PATH}`
    const panel = await waitFor(
      async () => {
        const frame = devtools.frames().find(f => f.url().startsWith(panelUrl))
        if (frame) return frame
        // A string, so the test runner's transform leaves DevTools' own import() alone.
        await devtools.evaluate(`(async () => {
          const UI = await import("./ui/legacy/legacy.js")
          await UI.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(`chrome-extension://${extensionId}Ephemera`)})
        })()`)
        return undefined
      },
      "the Ephemera panel to open in DevTools",
      30_000,
      250,
    )
    return { browser, page, devtools, panel, close: () => browser.close() }
  } catch (error) {
    await browser.close()
    throw error
  }
}
