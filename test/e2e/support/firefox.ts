/**
 * The browser session in real Firefox ESR with the built extension installed
 * as a temporary add-on (puppeteer-core over WebDriver BiDi).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import puppeteer, { type Browser, type Page } from "puppeteer-core"
import { GECKO_ID } from "../../../scripts/manifest"
import { firefoxPath } from "./browsers"
import { COLLECTOR_PATH, takeCollectedErrors } from "./extension-errors"
import { chromeScope } from "./firefox-chrome"
import { FIREFOX_DIST, PANEL_PATH } from "./paths"
import { sharedPageParts, VIEWPORT, type BrowserSession, type DriverPage, type SessionPage } from "./session"
import { waitFor } from "./wait"

/** Pinned so the panel's moz-extension:// URL is known before install. */
export const FIREFOX_EXTENSION_UUID = "6f1c3c1e-1b2f-4c3e-9a4f-0e5d3a1b2c3d"
export const FIREFOX_EXTENSION_BASE = `moz-extension://${FIREFOX_EXTENSION_UUID}/`

export interface FirefoxSession extends BrowserSession {
  browser: Browser
}

export interface FirefoxOptions {
  /** False shows real windows (needs a display). */
  headless?: boolean
  /** Environment of the browser process (e.g. the DISPLAY of an Xvfb server). */
  env?: NodeJS.ProcessEnv
}

export async function launchFirefox(options: FirefoxOptions = {}): Promise<FirefoxSession> {
  const headless = options.headless ?? true
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefoxPath(),
    headless,
    defaultViewport: headless ? VIEWPORT : null,
    // Chrome-scope access stops the background like an idle timeout and opens the toolbox.
    args: ["--remote-allow-system-access"],
    env: options.env,
    handleSIGINT: false,
    handleSIGTERM: false,
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
      // Tests open the panel as its own tab, which sends the inspected page to
      // the background, where Firefox clamps timers to 1 s. Users inspect the
      // foreground tab; tests must not run at background speed either.
      "dom.min_background_timeout_value": 4,
      "dom.min_background_timeout_value_without_budget_throttling": 4,
      "dom.timeout.enable_budget_timer_throttling": false,
    },
  })
  await browser.installExtension(FIREFOX_DIST)
  const scratch = mkdtempSync(join(tmpdir(), "ephemera-firefox-files-"))
  const privileged = chromeScope(browser)
  let probe: Promise<Page> | undefined

  async function openExtensionPage(path: string): Promise<Page> {
    const page = await browser.newPage()
    // goto() of a moz-extension:// page never resolves over BiDi: start it
    // and wait for the document instead.
    page.goto(FIREFOX_EXTENSION_BASE + path).catch(() => {})
    await waitFor(
      async () => {
        const state = await page.evaluate(() => `${location.href} ${document.readyState}`).catch(() => "")
        return state.startsWith(FIREFOX_EXTENSION_BASE + path) && state.endsWith("complete")
      },
      `${path} to load`,
      30_000,
    )
    return page
  }

  return {
    name: "firefox",
    browser,
    async openTab(url) {
      const page = await browser.newPage()
      await page.goto(url)
      // An extension page of ours can list the tabs; the newest with this URL is ours.
      probe ??= openExtensionPage(COLLECTOR_PATH)
      const tabId = await (await probe).evaluate(async (target: string) => {
        const tabs = await (globalThis as unknown as { browser: typeof chrome }).browser.tabs.query({})
        return Math.max(-1, ...tabs.filter(tab => tab.url === target).map(tab => tab.id ?? -1))
      }, page.url())
      if (tabId < 0) throw new Error(`no tab id for ${url}`)
      return { page: puppeteerPage(page, scratch), tabId }
    },
    openPanel: async tabId => puppeteerPage(await openExtensionPage(`${PANEL_PATH}?tabId=${tabId}`), scratch),
    async stopBackground() {
      // What about:debugging's "Terminate background script" does; the next
      // port that connects starts the event page again.
      const state = await privileged.evaluate(`(async () => {
        const extension = WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension
        await extension.terminateBackground()
        return extension.backgroundState
      })()`)
      if (state !== "stopped") throw new Error(`the background did not stop (state: ${String(state)})`)
    },
    async takeExtensionErrors() {
      // The probe that finds tab ids is the collecting page too.
      probe ??= openExtensionPage(COLLECTOR_PATH)
      return takeCollectedErrors(puppeteerPage(await probe, scratch))
    },
    async close() {
      await browser.close()
      rmSync(scratch, { recursive: true, force: true })
    },
  }
}

export function puppeteerPage(page: Page, scratch: string): SessionPage {
  return {
    // The two libraries type evaluate() differently; at run time both take (fn, arg).
    ...sharedPageParts(page as unknown as DriverPage),
    async reload() {
      // page.url() may still be about:blank here: goto() never finished.
      const href = await page.evaluate(() => location.href)
      if (!href.startsWith(FIREFOX_EXTENSION_BASE)) {
        await page.reload()
        return
      }
      // Like goto(), reload() of a moz-extension:// page never resolves over
      // BiDi: mark the old document, start the reload, and wait for a new
      // document that has loaded.
      await page.evaluate(() => {
        ;(window as unknown as { __ephemeraOldDocument?: true }).__ephemeraOldDocument = true
      })
      page.reload().catch(() => {})
      await waitFor(
        () =>
          page
            .evaluate(
              () =>
                (window as unknown as { __ephemeraOldDocument?: true }).__ephemeraOldDocument === undefined &&
                document.readyState === "complete",
            )
            .catch(() => false),
        "the extension page to reload",
        30_000,
      )
    },
    async click(selector, options) {
      await waitFor(() => page.$(selector), `${selector} to click`)
      if (!options?.shift) return page.click(selector)
      await page.keyboard.down("Shift")
      try {
        await page.click(selector)
      } finally {
        await page.keyboard.up("Shift")
      }
    },
    press: key => page.keyboard.press(key as Parameters<Page["keyboard"]["press"]>[0]),
    async chooseFile(selector, name, bytes) {
      // BiDi sets files by path: the bytes go through a file of that name.
      const dir = mkdtempSync(join(scratch, "upload-"))
      writeFileSync(join(dir, name), bytes)
      const input = await waitFor(() => page.$(selector), `${selector} to choose a file in`)
      await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(join(dir, name))
    },
    setViewportSize: size => page.setViewport(size),
  }
}
