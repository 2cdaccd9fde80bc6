/**
 * What an end-to-end scenario needs from a browser, the same in Chromium
 * (Playwright over CDP) and Firefox ESR (puppeteer over WebDriver BiDi): a
 * browser with the built extension, tabs on the demo app, the panel for a
 * tab, evaluation in either, and the few real input events that matter.
 * Scenarios are written once against this and run in both browsers.
 */

import type { ExtensionError } from "./extension-errors"

export type BrowserName = "chromium" | "firefox"

/** Every browser a scenario runs in. */
export const BROWSERS: readonly BrowserName[] = ["chromium", "firefox"]

/** Runs a function in a page (or the panel) and returns its JSON-safe result. */
export interface Evaluator {
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>
}

/** A page in a tab: the demo app, a fixture, or the panel opened as an extension page. */
export interface SessionPage extends Evaluator {
  url(): string
  /** Reloads and waits for the load event. */
  reload(): Promise<void>
  /** Navigates the tab to `url` and waits for the load event. */
  goto(url: string): Promise<void>
  close(): Promise<void>
  /** A real click on the first element matching `selector`, waiting for it to exist. */
  click(selector: string, options?: { shift?: boolean }): Promise<void>
  /** A real key press (e.g. "ArrowLeft", "Home") sent to the focused element. */
  press(key: string): Promise<void>
  /** Picks a file, given as bytes, in the `<input type="file">` at `selector`. */
  chooseFile(selector: string, name: string, bytes: Uint8Array): Promise<void>
  /**
   * A real mouse drag: presses in the middle of the first match, moves by
   * `dx`, `dy` in a few steps, and releases.
   */
  drag(selector: string, by: { dx: number; dy: number }): Promise<void>
  /** Resizes the page's viewport (CSS pixels), as a narrower or wider window would. */
  setViewportSize(size: { width: number; height: number }): Promise<void>
  /** Saves what the page shows as a PNG file. */
  screenshot(path: string): Promise<void>
}

export interface SessionTab {
  page: SessionPage
  /** The tab's id as the extension knows it (`?tabId=` of the panel). */
  tabId: number
}

export interface BrowserSession {
  readonly name: BrowserName
  /** Opens `url` in a new tab (in front) once it has loaded. */
  openTab(url: string): Promise<SessionTab>
  /** Opens the panel for a tab as a plain extension page with `?tabId=N`. */
  openPanel(tabId: number): Promise<SessionPage>
  /**
   * Ends the extension's background as the browser does when it idles
   * (Chromium: the MV3 service worker; Firefox: the event page), and returns
   * once it has stopped. It restarts on the next port that connects.
   */
  stopBackground(): Promise<void>
  /**
   * The errors the extension's pages (background, devtools page, panels)
   * reported since the last call, taken from a collecting page of the
   * extension that the first call opens.
   */
  takeExtensionErrors(): Promise<ExtensionError[]>
  close(): Promise<void>
}

/** What a Playwright page and a puppeteer page spell the same way. */
export interface DriverPage {
  evaluate(fn: (arg: never) => unknown, arg?: unknown): Promise<unknown>
  url(): string
  reload(): Promise<unknown>
  goto(url: string): Promise<unknown>
  close(): Promise<void>
  screenshot(options: { path: string }): Promise<unknown>
  mouse: {
    move(x: number, y: number, options?: { steps?: number }): Promise<unknown>
    down(): Promise<unknown>
    up(): Promise<unknown>
  }
}

/** The parts of a session page that both drivers give as they are. */
export function sharedPageParts(
  page: DriverPage,
): Pick<SessionPage, "evaluate" | "url" | "reload" | "goto" | "close" | "screenshot" | "drag"> {
  return {
    evaluate: ((fn: (arg: never) => unknown, arg?: unknown) => page.evaluate(fn, arg)) as SessionPage["evaluate"],
    url: () => page.url(),
    reload: async () => {
      await page.reload()
    },
    goto: async url => {
      await page.goto(url)
    },
    close: () => page.close(),
    screenshot: async path => {
      await page.screenshot({ path })
    },
    drag: async (selector, { dx, dy }) => {
      const box = await page.evaluate(
        ((sel: string) => {
          const rect = document.querySelector(sel)?.getBoundingClientRect()
          return rect && { x: rect.x, y: rect.y, width: rect.width, height: rect.height }
        }) as (arg: never) => unknown,
        selector,
      )
      if (!box) throw new Error(`nothing to drag at ${selector}`)
      const { x, y, width, height } = box as { x: number; y: number; width: number; height: number }
      const from = { x: x + width / 2, y: y + height / 2 }
      await page.mouse.move(from.x, from.y)
      await page.mouse.down()
      await page.mouse.move(from.x + dx, from.y + dy, { steps: 4 })
      await page.mouse.up()
    },
  }
}

/** One size for every tab in both browsers, wide enough for the log's list and detail side by side. */
export const VIEWPORT = { width: 1400, height: 900 } as const

/** Launches one browser with the built extension. */
export async function launchSession(name: BrowserName): Promise<BrowserSession> {
  if (name === "chromium") return (await import("./chromium")).launchChromium()
  return (await import("./firefox")).launchFirefox()
}
