/**
 * Every scenario fails when one of the extension's own pages reports an
 * error (support/scenario.ts runs the check after each test). Shown here by
 * injecting faults into a panel, in Firefox as in Chromium: the check must
 * name each one, with the page it came from.
 */
import { describe, expect, inject, it } from "vitest"
import { failOnExtensionErrors } from "./support/extension-errors"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import { waitFor } from "./support/wait"

const fixtureUrl = inject("fixtureUrl")
const FAULTS = ["uncaught error", "unhandled rejection", "console.error"]

describe.each(BROWSERS)("errors of the extension's pages in %s", name => {
  const browser = browserSession(name)

  it("fail the scenario when the panel throws, rejects or logs an error", async () => {
    const { page, tabId } = await browser.openTab(`${fixtureUrl}/first-script.html`)
    const panel = await browser.openPanel(tabId)
    await panel.evaluate(() => {
      setTimeout(() => {
        throw new Error("injected fault: uncaught error")
      })
      void Promise.reject(new Error("injected fault: unhandled rejection"))
      console.error("injected fault: console.error")
    })
    // The check each scenario runs after its test, until it has named all three.
    const failures: string[] = []
    await waitFor(async () => {
      await failOnExtensionErrors(browser).catch((error: Error) => failures.push(error.message))
      return FAULTS.every(fault => failures.some(message => message.includes(`injected fault: ${fault}`)))
    }, "the check to fail on each injected fault")
    for (const message of failures) expect(message).toMatch(/^the extension's pages reported \d error\(s\):\n- panel \(/)
    // What it took is gone: the check after this test passes.
    await expect(failOnExtensionErrors(browser)).resolves.toBeUndefined()
    await panel.close()
    await page.close()
  })
})
