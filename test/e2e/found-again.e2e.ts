/**
 * Discovery finds repos that no register line announced (React hook state,
 * Vue setup state), and after a reload the panel finds them again, or
 * re-attaches a repo the user attached by expression, without user action.
 */
import { describe, expect, inject, it } from "vitest"
import { panelState } from "./support/demo-page"
import { attribute, count, fill } from "./support/dom"
import { browserSession } from "./support/scenario"
import { BROWSERS, type SessionPage } from "./support/session"
import { waitFor } from "./support/wait"

const fixtureUrl = inject("fixtureUrl")

/** The peer id of the repo the fixture app created, once the app is up. */
function pagePeerId(page: SessionPage): Promise<string> {
  return waitFor(() => attribute(page, "[data-peer-id]", "data-peer-id"), "the fixture app to create its repo")
}

/** The panel's live repo for the page's peer, once it shows. */
async function panelRepoFor(panel: SessionPage, peerId: string, what: string) {
  return waitFor(async () => (await panelState(panel)).repos.find(repo => repo.peerId === peerId && !repo.gone), what)
}

describe.each(BROWSERS)("repos found without a register line, and again after a reload in %s", name => {
  const browser = browserSession(name)

  it("finds the React fixture app's repo in component state", async () => {
    const { page, tabId } = await browser.openTab(`${fixtureUrl}/apps/react/`)
    const peerId = await pagePeerId(page)
    const panel = await browser.openPanel(tabId)
    const repo = await panelRepoFor(panel, peerId, "the panel to show the React app's repo")
    // A production build minifies the component's name; the hook's place stays.
    expect(repo.label).toMatch(/^React <\w+> hook 0$/)
  })

  it("finds the Vue fixture app's repo in its root component's setup state", async () => {
    const { page, tabId } = await browser.openTab(`${fixtureUrl}/apps/vue/`)
    const peerId = await pagePeerId(page)
    const panel = await browser.openPanel(tabId)
    const repo = await panelRepoFor(panel, peerId, "the panel to show the Vue app's repo")
    expect(repo.label).toBe("Vue <App> setup.repo")
  })

  it("attaches a repo attached by expression again after a reload, without user action", async () => {
    const { page, tabId } = await browser.openTab(`${fixtureUrl}/apps/late-global/`)
    const firstPeer = await pagePeerId(page)
    const panel = await browser.openPanel(tabId)
    // Out of discovery's reach: nothing shows until the user attaches it.
    await waitFor(async () => (await panelState(panel)).repos !== undefined, "the panel to start")
    await waitFor(async () => (await count(panel, '[data-testid="attach-input"]')) > 0, "the attach field")
    await fill(panel, '[data-testid="attach-input"]', "session.current.repo")
    await panel.click('[data-testid="attach-button"]')
    await panelRepoFor(panel, firstPeer, "the attached repo to show")

    await page.reload()
    const secondPeer = await pagePeerId(page)
    expect(secondPeer).not.toBe(firstPeer)
    const again = await panelRepoFor(panel, secondPeer, "the reloaded page's repo to be attached again")
    expect(again.label).toBe("window.session.current.repo")
    const live = (await panelState(panel)).repos.filter(repo => !repo.gone).map(repo => repo.peerId)
    expect(live).not.toContain(firstPeer)
  })

  it("finds the React app's repo again after a reload", async () => {
    const { page, tabId } = await browser.openTab(`${fixtureUrl}/apps/react/`)
    const panel = await browser.openPanel(tabId)
    await panelRepoFor(panel, await pagePeerId(page), "the React app's repo")
    await page.reload()
    const reloadedPeer = await pagePeerId(page)
    const repo = await panelRepoFor(panel, reloadedPeer, "the reloaded React app's repo")
    expect(repo.label).toMatch(/^React <\w+> hook 0$/)
  })
})
