/**
 * A room across tabs in the background: a panel watching its inspected tab's
 * origin gets the other tabs of that site listed and their batches tagged
 * with the tab id, never a tab of another origin, private mode or container.
 */
import { describe, expect, it } from "vitest"
import { CONTENT_PORT, PANEL_PORT, PROTOCOL_VERSION } from "../../protocol/messages"
import { siteOf } from "../../extension/background/sender-site"
import { TabRouter, type RouterPort } from "../../extension/background/tab-router"

type TestPort = RouterPort & { inbox: any[] }

function port(name: string, extra: Partial<RouterPort> = {}): TestPort {
  const inbox: any[] = []
  return { name, fromExtensionPage: false, post: m => inbox.push(m), disconnect: () => {}, ...extra, inbox }
}

/** A relay in tab `tabId` showing `url`, as background.ts builds it from the browser's sender record. */
function content(tabId: number, url: string, tab: { incognito?: boolean; cookieStoreId?: string } = {}): TestPort {
  return port(CONTENT_PORT, { tabId, frameId: 0, site: siteOf({ url, tab }) })
}

const panel = () => port(PANEL_PORT, { fromExtensionPage: true })
// The seq travels beside the text; the pong names it too.
const batchJson = (seq: number) => JSON.stringify({ messages: [{ type: "hook/pong", nonce: String(seq) }] })

function connect(router: TabRouter, relay: TestPort, url: string): void {
  router.accept(relay)
  router.receive(relay, { type: "content/hello", protocol: PROTOCOL_VERSION, url })
}

function inspect(router: TabRouter, watcher: TestPort, tabId: number): void {
  router.accept(watcher)
  router.receive(watcher, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId })
  router.receive(watcher, { type: "panel/watch-origin", watch: true })
}

const lastList = (watcher: TestPort) => watcher.inbox.filter(m => m.type === "background/origin-tabs").at(-1)?.tabs
const tabBatches = (watcher: TestPort) => watcher.inbox.filter(m => m.type === "background/tab-batch").map(m => [m.tabId, m.seq])
const listening = (relay: TestPort) => relay.inbox.filter(m => m.type === "background/panel-listening").at(-1)?.listening
const snapshotRequests = (relay: TestPort) =>
  relay.inbox.filter(m => m.type === "background/to-page" && m.message.type === "panel/snapshot").map(m => m.message.requestId)

/** Tab 1 inspected; 2 the same site; 3 another origin; 4 the same origin in a private window; 5 in a container. */
function browserWithTabs() {
  const router = new TabRouter()
  const relays = {
    inspected: content(1, "http://app.test/room"),
    sameSite: content(2, "http://app.test/other?x=1"),
    otherOrigin: content(3, "http://evil.test/room"),
    privateWindow: content(4, "http://app.test/room", { incognito: true }),
    container: content(5, "http://app.test/room", { cookieStoreId: "firefox-container-1" }),
  }
  for (const relay of Object.values(relays)) connect(router, relay, `tab ${relay.tabId}`)
  const watcher = panel()
  inspect(router, watcher, 1)
  return { router, relays, watcher }
}

describe("TabRouter: a room across tabs", () => {
  it("lists only the other tabs of the same origin and session, and forwards their batches tagged with the tab id", () => {
    const { router, relays, watcher } = browserWithTabs()
    expect(lastList(watcher)).toEqual([{ tabId: 2, url: "tab 2" }])
    for (const relay of Object.values(relays))
      router.receive(relay, { type: "content/page-batch", seq: relay.tabId!, batchJson: batchJson(relay.tabId!) })
    expect(tabBatches(watcher)).toEqual([[2, 2]])
    // The inspected tab's own batch still arrives as a page batch, once.
    expect(watcher.inbox.filter(m => m.type === "background/page-batch").map(m => m.seq)).toEqual([1])
    // The watched relay forwards to someone now; the others stay unheard.
    expect(listening(relays.sameSite)).toBe(true)
    for (const relay of [relays.otherOrigin, relays.privateWindow, relays.container]) expect(listening(relay)).toBe(false)
  })

  it("asks the watched tabs, and only them, for snapshots, with a request the background writes itself", () => {
    const { router, relays, watcher } = browserWithTabs()
    router.receive(watcher, { type: "panel/snapshot-origin", requestId: "s1" })
    expect(snapshotRequests(relays.sameSite)).toEqual(["s1"])
    for (const relay of [relays.inspected, relays.otherOrigin, relays.privateWindow, relays.container])
      expect(snapshotRequests(relay)).toEqual([])
    // A panel that does not watch, and a request id that is not one, ask nothing.
    const bystander = panel()
    router.accept(bystander)
    router.receive(bystander, { type: "panel/hello", protocol: PROTOCOL_VERSION, tabId: 1 })
    router.receive(bystander, { type: "panel/snapshot-origin", requestId: "s2" })
    router.receive(watcher, { type: "panel/snapshot-origin", requestId: 42 })
    router.receive(watcher, { type: "panel/snapshot-origin", requestId: "x".repeat(101) })
    expect(snapshotRequests(relays.sameSite)).toEqual(["s1"])
  })

  it("follows tabs that arrive, navigate to another origin, or leave", () => {
    const { router, relays, watcher } = browserWithTabs()
    const late = content(6, "http://app.test/late")
    connect(router, late, "tab 6")
    expect(lastList(watcher)).toEqual([
      { tabId: 2, url: "tab 2" },
      { tabId: 6, url: "tab 6" },
    ])

    // Tab 2 navigates to another origin: a new relay, another site.
    const navigated = content(2, "http://evil.test/")
    connect(router, navigated, "tab 2, elsewhere")
    router.drop(relays.sameSite)
    expect(lastList(watcher)).toEqual([{ tabId: 6, url: "tab 6" }])
    router.receive(navigated, { type: "content/page-batch", seq: 20, batchJson: batchJson(20) })
    expect(tabBatches(watcher)).toEqual([])
    expect(listening(navigated)).toBe(false)

    router.drop(late)
    expect(lastList(watcher)).toEqual([])
    // The inspected tab itself navigates away: tab 6 would be listed again only on app.test.
    connect(router, late, "tab 6")
    connect(router, content(1, "http://elsewhere.test/"), "tab 1, elsewhere")
    expect(lastList(watcher)).toEqual([])
  })

  it("stops when the panel stops watching or goes away: the relays are told nobody listens", () => {
    const { router, relays, watcher } = browserWithTabs()
    router.receive(watcher, { type: "panel/watch-origin", watch: false })
    expect(listening(relays.sameSite)).toBe(false)
    router.receive(relays.sameSite, { type: "content/page-batch", seq: 7, batchJson: batchJson(7) })
    expect(tabBatches(watcher)).toEqual([])
    router.receive(watcher, { type: "panel/watch-origin", watch: true })
    expect(listening(relays.sameSite)).toBe(true)
    router.drop(watcher)
    expect(listening(relays.sameSite)).toBe(false)
    // The inspected tab's relay also loses its only panel.
    expect(listening(relays.inspected)).toBe(false)
  })

  it("ignores a watch request before the panel said which tab it inspects", () => {
    const router = new TabRouter()
    connect(router, content(1, "http://app.test/"), "a")
    connect(router, content(2, "http://app.test/"), "b")
    const early = panel()
    router.accept(early)
    router.receive(early, { type: "panel/watch-origin", watch: true })
    expect(lastList(early)).toBeUndefined()
  })

  it("never groups tabs whose site is unknown or opaque", () => {
    const router = new TabRouter()
    connect(router, port(CONTENT_PORT, { tabId: 1, frameId: 0 }), "no sender url")
    connect(router, port(CONTENT_PORT, { tabId: 2, frameId: 0 }), "no sender url either")
    connect(router, content(3, "data:text/html,hi"), "data")
    connect(router, content(4, "data:text/html,hi"), "data")
    const watchers = [1, 3].map(tabId => {
      const watcher = panel()
      inspect(router, watcher, tabId)
      return watcher
    })
    for (const watcher of watchers) expect(lastList(watcher)).toEqual([])
  })

  it("rebuilds the watch from hellos after a restart, whichever side says hello first", () => {
    const fresh = new TabRouter()
    const watcher = panel()
    inspect(fresh, watcher, 1)
    expect(lastList(watcher)).toEqual([])
    const other = content(2, "http://app.test/")
    connect(fresh, other, "b")
    expect(lastList(watcher)).toEqual([])
    connect(fresh, content(1, "http://app.test/"), "a")
    expect(lastList(watcher)).toEqual([{ tabId: 2, url: "b" }])
    expect(listening(other)).toBe(true)
    fresh.receive(other, { type: "content/page-batch", seq: 3, batchJson: batchJson(3) })
    expect(tabBatches(watcher)).toEqual([[2, 3]])
  })
})

describe("siteOf: a tab's site from the browser's sender record", () => {
  it("is the top frame's origin and the browsing session", () => {
    expect(siteOf({ url: "http://app.test:8080/room?x#y", tab: {} })).toEqual({ origin: "http://app.test:8080", session: "normal:default" })
    expect(siteOf({ url: "https://app.test/", tab: { incognito: true } })).toEqual({
      origin: "https://app.test",
      session: "private:default",
    })
    expect(siteOf({ url: "https://app.test/", tab: { incognito: false, cookieStoreId: "firefox-container-2" } })?.session).toBe(
      "normal:firefox-container-2",
    )
  })

  it("is unknown for opaque origins and missing or broken urls", () => {
    for (const url of ["data:text/html,x", "file:///tmp/a.html", "about:blank", "not a url", undefined])
      expect(siteOf({ url, tab: {} })).toBeUndefined()
    expect(siteOf(undefined)).toBeUndefined()
  })
})
