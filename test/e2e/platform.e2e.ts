/**
 * The extension's plumbing in each browser: the hook exists before the
 * page's first script, messages cross page -> panel and back, nothing is lost
 * when the background stops, and hostile window messages are dropped and
 * counted while real traffic still arrives.
 */
import { describe, expect, inject, it } from "vitest"
import { PROTOCOL_VERSION } from "../../protocol/messages"
import { demoReady, panelState, waitForPanelToEqualPage } from "./support/demo-page"
import { attribute, count, testId, text } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import { waitFor } from "./support/wait"

const demoUrl = inject("demoUrl")
const fixtureUrl = inject("fixtureUrl")

describe.each(BROWSERS)("platform in %s", name => {
  const browser = browserSession(name)

  it("declares as its minimum the browser version it is tested in", async () => {
    const { page, tabId } = await browser.openTab(`${fixtureUrl}/first-script.html`)
    const panel = await browser.openPanel(tabId)
    // The running build's own manifest, and the running browser's major version.
    const { declared, running } = await panel.evaluate(() => {
      const manifest = (globalThis as any).chrome.runtime.getManifest()
      const firefox = /Firefox\/(\d+)/.exec(navigator.userAgent)?.[1]
      return {
        declared: firefox ? manifest.browser_specific_settings?.gecko?.strict_min_version : manifest.minimum_chrome_version,
        running: firefox ?? /Chrome\/(\d+)/.exec(navigator.userAgent)?.[1],
      }
    })
    expect(running, "the browser's major version").toMatch(/^\d+$/)
    expect(
      String(declared).split(".")[0],
      `the manifest's minimum (${declared}) is the tested version ${running}: change both together`,
    ).toBe(running)
    await panel.close()
    await page.close()
  })

  it("defines the hook before the page's first script runs", async () => {
    const { page } = await browser.openTab(`${fixtureUrl}/first-script.html`)
    expect(await page.evaluate(() => (window as any).hookAtFirstScript)).toBe("function")
    await page.close()
  })

  it("carries messages page -> panel and panel -> page", async () => {
    const { page, tabId } = await browser.openTab(`${demoUrl}/?room=platform&name=alice`)
    await demoReady(page)
    const panel = await browser.openPanel(tabId)
    // panel -> page: the panel's subscribe reaches the hook in the page.
    await waitFor(
      () => page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening === true),
      "the panel's subscribe to reach the hook",
    )
    // page -> panel: the hook's hello and the registered repo show in the panel.
    const version = await page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.version)
    await waitFor(async () => (await text(panel, testId("hook-version")))?.includes(version), "the hook version in the panel")
    await waitFor(() => count(panel, testId("repo-item", '[data-label="alice"]')), "alice's repo in the panel")
    expect(await attribute(panel, testId("page-status"), "data-connected")).toBe("true")
    await panel.close()
    await page.close()
  })

  it("loses nothing when the background is stopped", async () => {
    const { page, tabId } = await browser.openTab(`${demoUrl}/?room=restart&name=bob`)
    const [peerId] = await demoReady(page)
    const panel = await browser.openPanel(tabId)
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(1, 1))
    await waitForPanelToEqualPage(panel, page, "bob", "cursor", peerId!, "the first cursor value")
    const before = await panelState(panel)

    await browser.stopBackground()
    // Traffic during the gap: each write is a store event the panel must get.
    await page.evaluate(async () => {
      for (let i = 2; i <= 40; i++) {
        ;(window as any).demo.peers[0].setCursor(i, i)
        await new Promise(resolve => setTimeout(resolve, 5))
      }
    })
    await waitForPanelToEqualPage(panel, page, "bob", "cursor", peerId!, "the cursor written during the gap")
    const after = await panelState(panel)
    expect(after.lost).toBe(before.lost)
    // And the way back works too: the reconnected panel re-subscribed in the page.
    await page.evaluate(() => (window as any).demo.peers[0].setCursor(41, 41))
    await waitForPanelToEqualPage(panel, page, "bob", "cursor", peerId!, "a cursor after the restart")
    await panel.close()
    await page.close()
  })

  it("drops and counts 10,000 hostile window messages while real traffic still arrives", async () => {
    const { page, tabId } = await browser.openTab(`${demoUrl}/?room=hostile&name=carol`)
    const [peerId] = await demoReady(page)
    const panel = await browser.openPanel(tabId)
    await waitFor(() => count(panel, testId("repo-item", '[data-label="carol"]')), "carol's repo")

    const storm = await page.evaluate(async protocol => {
      const page = "ephemera:page"
      const relay = "ephemera:relay"
      // Well-formed envelopes whose text is garbage pass the relay unparsed; the panel counts them.
      const batch = (messages: unknown, seq: unknown = 1) => ({
        source: page,
        protocol,
        batchJson: JSON.stringify({ seq, messages }),
        count: 1,
      })
      const hostile: Array<() => unknown> = [
        () => ({ source: "ephemera:pagex", protocol, batchJson: "{}", count: 1 }),
        () => batch([], "one"),
        () => ({ source: page, protocol: 999, batchJson: JSON.stringify({ seq: 1, messages: [] }), count: 1 }),
        () => ({ source: page, protocol, batchJson: { seq: 1, messages: [{ type: "hook/pong", nonce: new Date() }] }, count: 1 }),
        () => ({ source: page, protocol, batchJson: { seq: 1, messages: [new Map([[1, 2]])] }, count: 1 }),
        () => ({ source: page, protocol, batchJson: new Blob(["x"]), count: 1 }),
        () => batch([{ type: "not-a-type" }]),
        () => ({ source: page, protocol, batchJson: "{not json", count: 1 }),
        () => batch([{ type: "repo/event-tape", firstId: 1, t0: 0, events: 5, ops: [0, "r", 0] }]),
        () => ({ source: page, protocol, batchJson: "{}" }),
        () => ({ source: relay, protocol, nonce: "forged", message: { type: "panel/unsubscribe" } }),
        () => ({ source: relay, protocol, nonce: "forged", message: { type: "attach/path", requestId: "1", path: "x" } }),
        () => null,
      ]
      const huge = {
        source: page,
        protocol,
        batchJson: `{"seq":1,"messages":[{"type":"hook/pong","nonce":"${"x".repeat(17_000_000)}"}]}`,
        count: 1,
      }
      let posted = 0
      let uncloneable = 0
      for (let i = 0; i < 10_000; i++) {
        window.postMessage(hostile[i % hostile.length]!(), "*")
        posted++
        if (i % 2_000 === 0) {
          window.postMessage(huge, "*")
          posted++
          try {
            window.postMessage({ source: page, protocol, batchJson: () => 1, count: 1 }, "*")
          } catch {
            uncloneable++
          }
        }
        if (i % 250 === 0) {
          ;(window as any).demo.peers[0].setCursor(i, i)
          await new Promise(resolve => setTimeout(resolve, 0))
        }
      }
      ;(window as any).demo.peers[0].setCursor(-1, -1)
      return { posted, uncloneable }
    }, PROTOCOL_VERSION)
    expect(storm.uncloneable).toBe(5)
    await waitFor(
      async () => Number(await text(panel, testId("relay-dropped"))) >= storm.posted,
      "the drop counter to reach the storm size",
    )
    await waitForPanelToEqualPage(panel, page, "carol", "cursor", peerId!, "the page's cursor after the storm")
    expect((await panelState(panel)).lost).toBe(0)
    await panel.close()
    await page.close()
  })
})
