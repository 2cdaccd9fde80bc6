/**
 * Real Firefox ESR with the built extension installed as a temporary add-on
 * (puppeteer-core over WebDriver BiDi).
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core"
import { GECKO_ID } from "../../../scripts/manifest"
import { firefoxPath } from "./browsers"
import { FIREFOX_DIST, PANEL_PATH } from "./paths"
import { waitFor } from "./wait"

/** Pinned so the panel's moz-extension:// URL is known before install. */
export const FIREFOX_EXTENSION_UUID = "6f1c3c1e-1b2f-4c3e-9a4f-0e5d3a1b2c3d"

export interface FirefoxSession {
  browser: Browser
  openTab(url: string): Promise<{ page: Page; tabId: number }>
  openPanel(tabId: number): Promise<Page>
  close(): Promise<void>
}

export async function launchFirefox(options: { headless?: boolean } = {}): Promise<FirefoxSession> {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefoxPath(),
    headless: options.headless ?? true,
    args: ["--remote-allow-system-access"],
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
  const base = `moz-extension://${FIREFOX_EXTENSION_UUID}/`

  async function openExtensionPage(path: string): Promise<Page> {
    const page = await browser.newPage()
    // goto() of a moz-extension:// page never resolves over BiDi: start it
    // and wait for the document instead.
    page.goto(base + path).catch(() => {})
    await waitFor(
      async () => {
        const state = await page.evaluate(() => `${location.href} ${document.readyState}`).catch(() => "")
        return state.startsWith(base) && state.endsWith("complete")
      },
      `${path} to load`,
      30_000,
    )
    return page
  }

  return {
    browser,
    async openTab(url) {
      const page = await browser.newPage()
      await page.goto(url)
      const probe = await openExtensionPage("extension/devtools.html")
      const tabId = await probe.evaluate(async (target: string) => {
        const tabs = await (globalThis as unknown as { browser: typeof chrome }).browser.tabs.query({})
        return tabs.find(tab => tab.url === target)?.id ?? -1
      }, page.url())
      await probe.close()
      if (tabId < 0) throw new Error(`no tab id for ${url}`)
      return { page, tabId }
    },
    openPanel: tabId => openExtensionPage(`${PANEL_PATH}?tabId=${tabId}`),
    close: () => browser.close(),
  }
}
