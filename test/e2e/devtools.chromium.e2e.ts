import { describe, expect, inject, it } from "vitest"
import { openInRealDevTools } from "./support/devtools"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")

describe("the panel inside the real DevTools UI (Chromium)", () => {
  it("opens as the Ephemera tab and shows the inspected page's repos", async () => {
    const session = await openInRealDevTools(`${demoUrl}/?room=devtools&name=dora&peers=2`)
    try {
      const labels = await waitFor(async () => {
        const found = await session.panel.evaluate(() =>
          [...document.querySelectorAll('[data-testid="repo-item"]')].map(el => el.getAttribute("data-label")),
        )
        return found.length === 2 ? found : undefined
      }, "both repos of the inspected page in the DevTools panel")
      expect(labels).toContain("dora")
      // The tab id came from devtools.inspectedWindow, not from a query parameter.
      expect(session.panel.url()).not.toContain("tabId=")
      expect(
        await session.panel.evaluate(() => document.querySelector('[data-testid="page-status"]')?.getAttribute("data-connected")),
      ).toBe("true")
    } finally {
      await session.close()
    }
  })
})
