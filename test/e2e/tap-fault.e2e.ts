/**
 * A tap that throws inside the hook: the app keeps working, and the panel
 * names the tap it turned off while the others keep reporting.
 */
import { describe, expect, inject, it } from "vitest"
import { demoReady } from "./support/demo-page"
import { count, testId, text } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

describe.each(BROWSERS)("a tap that throws, in %s", name => {
  const browser = browserSession(name)

  it("leaves the app working and the panel naming the disabled tap", async () => {
    const room = "tap-fault"
    const app = await browser.openTab(`${demoUrl}/?room=${room}&name=zed&register=0`)
    await demoReady(app.page)
    // The app registers itself with the store tap rigged to throw (a test-only option).
    await app.page.evaluate(() => {
      const w = window as any
      w.__EPHEMERA_DEVTOOLS_HOOK__.register(w.repo, { label: "faulty", __faultInjection: { throwIn: ["stores"] } })
    })
    const panel = await browser.openPanel(app.tabId)
    const other = await browser.openTab(`${demoUrl}/?room=${room}&name=yan`)
    const [otherPeer] = await demoReady(other.page)

    await other.page.evaluate(() => (window as any).demo.peers[0].setCursor(123, 45))
    // The app still receives presence: the failure stayed inside the hook.
    await waitFor(
      () => app.page.evaluate((peer: string) => (window as any).demo.peers[0].getStates("cursor")[peer]?.x === 123, otherPeer!),
      "the app to see the other peer's cursor",
    )
    const warning = testId("tap-warning", '[data-tap="stores"]')
    await waitFor(() => count(panel, warning), "the panel to report the disabled tap")
    expect(await text(panel, warning)).toMatch(/stores/)
    // The other taps keep working: the repo is still listed and live.
    expect(await count(panel, testId("repo-item", '[data-label="faulty"]'))).toBe(1)
    for (const page of [panel, app.page, other.page]) await page.close()
  })
})
