import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { panelState, peerNames } from "./support/demo-page"
import { describeDifference, pageMaps, panelMaps } from "./support/fidelity"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const NAMESPACES = ["presence", "cursor", "typing"]

describe("live view in Firefox ESR", () => {
  let firefox: FirefoxSession
  beforeAll(async () => {
    firefox = await launchFirefox()
  })
  afterAll(async () => {
    await firefox?.close()
  })

  it("tells the truth after a smaller storm from a multi-peer tab", async () => {
    const room = "fidelity-ff"
    const { page, tabId } = await firefox.openTab(`${demoUrl}/?room=${room}&name=hana&peers=3&autopilot=0`)
    const labels = await peerNames(page)
    const panel = await firefox.openPanel(tabId)
    await waitFor(async () => (await panelState(panel)).repos.filter(r => !r.gone).length === 3, "the three repos")
    await page.evaluate(async () => {
      for (let i = 0; i < 200; i++) {
        for (const [n, peer] of (window as any).demo.peers.entries()) peer.setCursor(i, n * 100 + i)
        if (i % 20 === 0) await new Promise(resolve => setTimeout(resolve, 0))
      }
    })
    let last = ""
    await waitFor(
      async () => {
        const expected = await pageMaps(page, NAMESPACES)
        last = describeDifference(expected, await panelMaps(panel, labels, NAMESPACES, `room:${room}`))
        return last === "" && Object.values(expected).every(maps => Object.keys(maps.cursor ?? {}).length === 3)
      },
      "the panel to equal the page",
      30_000,
    ).catch(error => {
      throw new Error(`${error.message}\n${last}`)
    })
    await panel.close()
    await page.close()
  })

  it("finds an unregistered repo and attaches another by expression", async () => {
    const { page, tabId } = await firefox.openTab(`${demoUrl}/?room=discover-ff&name=ivy&peers=2&register=0`)
    await peerNames(page)
    const panel = await firefox.openPanel(tabId)
    const repoCount = () => panel.evaluate(() => document.querySelectorAll('[data-testid="repo-item"]').length)
    await waitFor(async () => (await repoCount()) === 1, "the discovered repo")
    await panel.type('[data-testid="attach-input"]', "demo.peers.1.repo")
    await panel.click('[data-testid="attach-button"]')
    await waitFor(async () => (await repoCount()) === 2, "the attached repo")
    const labels = (await panelState(panel)).repos.map(r => r.label)
    expect(labels.some(label => label.endsWith("demo.peers.1.repo"))).toBe(true)
    await panel.close()
    await page.close()
  })
})
