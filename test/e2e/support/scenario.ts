/**
 * One scenario file, every browser: `describe.each(BROWSERS)` with a session
 * per browser that this starts before the file's tests and closes after.
 *
 *   describe.each(BROWSERS)("live view in %s", name => {
 *     const browser = browserSession(name)
 *     it("…", async () => { const { page, tabId } = await browser.openTab(url) })
 *   })
 */
import { afterAll, beforeAll } from "vitest"
import { launchSession, type BrowserName, type BrowserSession } from "./session"

export function browserSession(name: BrowserName): BrowserSession {
  let session: BrowserSession | undefined
  beforeAll(async () => {
    session = await launchSession(name)
  })
  afterAll(async () => {
    await session?.close()
  })
  const started = (): BrowserSession => {
    if (!session) throw new Error(`${name} has not started`)
    return session
  }
  return {
    name,
    openTab: url => started().openTab(url),
    openPanel: tabId => started().openPanel(tabId),
    stopBackground: () => started().stopBackground(),
    close: () => started().close(),
  }
}
