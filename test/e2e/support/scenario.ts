/**
 * One scenario file, every browser: `describe.each(BROWSERS)` with a session
 * per browser that this starts before the file's tests and closes after.
 * Every test fails when the extension's own pages reported an error.
 *
 *   describe.each(BROWSERS)("live view in %s", name => {
 *     const browser = browserSession(name)
 *     it("…", async () => { const { page, tabId } = await browser.openTab(url) })
 *   })
 */
import { afterAll, afterEach, beforeAll } from "vitest"
import { failOnExtensionErrors } from "./extension-errors"
import { launchSession, type BrowserName, type BrowserSession } from "./session"

export function browserSession(name: BrowserName): BrowserSession {
  let session: BrowserSession | undefined
  beforeAll(async () => {
    session = await launchSession(name)
    // Opens the collecting page before any test does anything.
    await failOnExtensionErrors(session)
  })
  afterEach(async () => {
    if (session) await failOnExtensionErrors(session)
  })
  afterAll(async () => {
    try {
      if (session) await failOnExtensionErrors(session)
    } finally {
      await session?.close()
    }
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
    takeExtensionErrors: () => started().takeExtensionErrors(),
    close: () => started().close(),
  }
}
