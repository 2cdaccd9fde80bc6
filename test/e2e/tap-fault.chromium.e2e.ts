import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { demoReady } from "./support/demo-page"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

describe("a tap that throws (Chromium)", () => {
  let chromium: ChromiumSession
  beforeAll(async () => {
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it("leaves the app working and the panel naming the disabled tap", async () => {
    const room = "tap-fault"
    const app = await chromium.openTab(`${demoUrl}/?room=${room}&name=zed&register=0`)
    await demoReady(app.page)
    // The app registers itself with the store tap rigged to throw (a test-only option).
    await app.page.evaluate(() => {
      const w = window as any
      w.__EPHEMERA_DEVTOOLS_HOOK__.register(w.repo, { label: "faulty", __faultInjection: { throwIn: ["stores"] } })
    })
    const panel = await chromium.openPanel(app.tabId)
    const other = await chromium.openTab(`${demoUrl}/?room=${room}&name=yan`)
    const [otherPeer] = await demoReady(other.page)

    await other.page.evaluate(() => (window as any).demo.peers[0].setCursor(123, 45))
    // The app still receives presence: the failure stayed inside the hook.
    await waitFor(
      () => app.page.evaluate((peer: string) => (window as any).demo.peers[0].getStates("cursor")[peer]?.x === 123, otherPeer!),
      "the app to see the other peer's cursor",
    )
    await waitFor(() => panel.locator('[data-testid="tap-warning"][data-tap="stores"]').count(), "the panel to report the disabled tap")
    expect(await panel.locator('[data-testid="tap-warning"][data-tap="stores"]').textContent()).toMatch(/stores/)
    // The other taps keep working: the repo is still listed and live.
    expect(await panel.locator('[data-testid="repo-item"][data-label="faulty"]').count()).toBe(1)
    for (const page of [panel, app.page, other.page]) await page.close()
  })
})
