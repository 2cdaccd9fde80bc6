/**
 * The panel where Firefox users open it: the Ephemera tab of Firefox ESR's
 * own DevTools toolbox, docked in a real browser window on a virtual display
 * (Xvfb). Its tab id comes from devtools.inspectedWindow and "Attach by
 * expression" goes through the toolbox's devtools.inspectedWindow.eval,
 * neither of which the panel-as-a-tab scenarios reach. Firefox only: the
 * Chromium counterpart is devtools.chromium.e2e.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest"
import { demoReady } from "./support/demo-page"
import { attribute, count, domClick, fill, testId, text } from "./support/dom"
import { failOnExtensionErrors } from "./support/extension-errors"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { chromeScope, type ChromeScope } from "./support/firefox-chrome"
import { openInToolbox } from "./support/firefox-toolbox"
import type { Evaluator } from "./support/session"
import { startXvfb, type VirtualDisplay } from "./support/xvfb"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

const labels = (panel: Evaluator) =>
  panel.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid="repo-item"]')].map(item => item.dataset.label ?? ""))

describe("the panel inside Firefox's DevTools toolbox", () => {
  let display: VirtualDisplay | undefined
  let firefox: FirefoxSession | undefined
  let chrome: ChromeScope
  beforeAll(async () => {
    display = await startXvfb()
    firefox = await launchFirefox({ headless: false, env: { ...process.env, DISPLAY: display.display } })
    chrome = chromeScope(firefox.browser)
    // Opens the collecting page: the panel and devtools page in the toolbox report there.
    await failOnExtensionErrors(firefox)
  })
  afterEach(async () => {
    if (firefox) await failOnExtensionErrors(firefox)
  })
  afterAll(async () => {
    await firefox?.close()
    await display?.close()
  })

  it("opens as the Ephemera tab, connects, and shows the inspected page's repos", async () => {
    const { page } = await firefox!.openTab(`${demoUrl}/?room=toolbox&name=tove&peers=2`)
    await demoReady(page)
    const panel = await openInToolbox(chrome, page.url())
    const shown = await waitFor(async () => {
      const now = await labels(panel)
      return now.length === 2 ? now : undefined
    }, "both repos of the inspected page in the toolbox panel")
    expect(shown.sort()).toEqual(["tove", "tove-2"])
    // The tab id came from devtools.inspectedWindow, not from a query parameter.
    expect(await panel.url()).not.toContain("tabId=")
    expect(await attribute(panel, testId("page-status"), "data-connected")).toBe("true")
    // It is the visible, selected panel of a real window.
    expect(await panel.evaluate(() => document.visibilityState)).toBe("visible")
    await panel.close()
    await page.close()
  })

  it("attaches a repo by expression through the toolbox's evaluation in the page", async () => {
    const { page } = await firefox!.openTab(`${demoUrl}/?room=toolbox-attach&name=ulla&peers=2&register=0`)
    await demoReady(page)
    const panel = await openInToolbox(chrome, page.url())
    await waitFor(async () => (await count(panel, testId("repo-item"))) === 1, "the discovered repo")
    await fill(panel, testId("attach-input"), "demo.peers[1].repo")
    await domClick(panel, testId("attach-button"))
    await waitFor(async () => (await labels(panel)).includes("demo.peers[1].repo"), "the repo attached by expression")
    // Any expression works here (not only a dotted path), and a failing one says why.
    await fill(panel, testId("attach-input"), "demo.nothing.here")
    await domClick(panel, testId("attach-button"))
    await waitFor(async () => (await text(panel, testId("attach-error")))?.includes("nothing"), "the evaluation's error")
    expect(await count(panel, testId("repo-item"))).toBe(2)
    await panel.close()
    await page.close()
  })
})
