import {
  CONTENT_PORT,
  PANEL_PORT,
  PROTOCOL_VERSION,
  assertNever,
  type BackgroundToContentMessage,
  type BackgroundToPanelWire,
  type ContentToBackgroundMessage,
  type OriginTab,
  type PanelToBackgroundMessage,
  type RelayStats,
} from "../../protocol/messages"
import { checkPanelToHook, isContentToBackground, isPanelToBackground } from "../../protocol/validate"
import { sameSite, type Site } from "./sender-site"

/** A connected port as the router sees it; background.ts adapts runtime.Port to this. */
export interface RouterPort {
  name: string
  /** Set for content scripts (the tab they run in). */
  tabId?: number
  frameId?: number
  /** True when the sender is one of this extension's own pages. */
  fromExtensionPage: boolean
  /** For content scripts: the tab's site, from the browser's record of the sender (see sender-site.ts). */
  site?: Site
  post(message: unknown): void
  disconnect(): void
}

interface Tab {
  content?: RouterPort
  url?: string
  panels: Set<RouterPort>
  stats?: RelayStats
  /** What the relay was last told: whether a panel (its own, or one watching its origin) listens. */
  listening?: boolean
}

/** Longest request id a panel may put in a snapshot request to other tabs. */
const MAX_REQUEST_ID = 100

/**
 * Routes between one content relay and any number of panels per tab, and to
 * panels watching the other tabs of their inspected tab's origin (a room
 * across tabs). Everything here is rebuilt from hellos after a restart.
 */
export class TabRouter {
  readonly #tabs = new Map<number, Tab>()
  readonly #panelTab = new Map<RouterPort, number>()
  /** Panels watching their origin, with the tab list they were last sent. */
  readonly #watchers = new Map<RouterPort, string>()

  /** Accepts a new port, or hangs up on one that cannot be ours. */
  accept(port: RouterPort): boolean {
    if (port.name === CONTENT_PORT && port.tabId !== undefined && port.frameId === 0) return true
    if (port.name === PANEL_PORT && port.fromExtensionPage) return true
    port.disconnect()
    return false
  }

  /** A message off a port we accepted; one that is not of its sender's union is ignored. */
  receive(port: RouterPort, raw: unknown): void {
    if (port.name === CONTENT_PORT) {
      if (isContentToBackground(raw)) this.#fromContent(port, raw)
    } else if (isPanelToBackground(raw)) {
      this.#fromPanel(port, raw)
    }
  }

  drop(port: RouterPort): void {
    if (port.name === CONTENT_PORT) {
      const tab = this.#tabs.get(port.tabId!)
      if (tab?.content !== port) return
      tab.content = undefined
      tab.listening = undefined
      this.#toPanels(tab, { type: "background/page-status", connected: false, url: tab.url })
      this.#forget(port.tabId!)
      this.#refreshWatch()
      return
    }
    const tabId = this.#panelTab.get(port)
    this.#watchers.delete(port)
    if (tabId === undefined) return
    this.#panelTab.delete(port)
    this.#tabs.get(tabId)?.panels.delete(port)
    this.#refreshWatch()
    this.#forget(tabId)
  }

  /** For tests and diagnostics. */
  panelsOf(tabId: number): number {
    return this.#tabs.get(tabId)?.panels.size ?? 0
  }

  #fromContent(port: RouterPort, message: ContentToBackgroundMessage): void {
    const tabId = port.tabId!
    const tab = this.#tab(tabId)
    switch (message.type) {
      case "content/hello": {
        if (message.protocol !== PROTOCOL_VERSION) return
        if (tab.content && tab.content !== port) tab.content.disconnect()
        tab.content = port
        tab.url = typeof message.url === "string" ? message.url : undefined
        tab.listening = undefined
        this.#toPanels(tab, { type: "background/page-status", connected: true, url: tab.url })
        this.#refreshWatch()
        return
      }
      case "content/page-batch":
        if (tab.content !== port) return
        if (typeof message.batchJson !== "string" || !Number.isSafeInteger(message.seq)) return
        this.#toPanels(tab, {
          type: "background/page-batch",
          seq: message.seq,
          batchJson: message.batchJson,
          ...(Number.isSafeInteger(message.skipped) && message.skipped! > 0 ? { skipped: message.skipped } : {}),
        })
        for (const watcher of this.#watchersOf(tabId)) {
          safePost(watcher, {
            type: "background/tab-batch",
            tabId,
            seq: message.seq,
            batchJson: message.batchJson,
          } satisfies BackgroundToPanelWire)
        }
        return
      case "content/stats":
        if (tab.content !== port) return
        tab.stats = message.stats
        this.#toPanels(tab, { type: "background/relay-stats", stats: message.stats })
        return
      default:
        assertNever(message)
    }
  }

  #fromPanel(port: RouterPort, message: PanelToBackgroundMessage): void {
    switch (message.type) {
      case "panel/hello": {
        if (message.protocol !== PROTOCOL_VERSION || !Number.isSafeInteger(message.tabId)) return
        const tab = this.#tab(message.tabId)
        this.#panelTab.set(port, message.tabId)
        tab.panels.add(port)
        port.post({ type: "background/page-status", connected: tab.content !== undefined, url: tab.url } satisfies BackgroundToPanelWire)
        if (tab.stats) port.post({ type: "background/relay-stats", stats: tab.stats } satisfies BackgroundToPanelWire)
        this.#refreshWatch()
        return
      }
      case "panel/received": {
        // The panel's acknowledgement, for the relay: it forgets what a panel has.
        const tabId = this.#panelTab.get(port)
        const tab = tabId === undefined ? undefined : this.#tabs.get(tabId)
        if (tab && Number.isSafeInteger(message.seq)) this.#toContent(tab, { type: "background/received", seq: message.seq })
        return
      }
      case "panel/to-page": {
        const tabId = this.#panelTab.get(port)
        const tab = tabId === undefined ? undefined : this.#tabs.get(tabId)
        const checked = checkPanelToHook(message.message)
        if (!tab || !checked.ok) return
        this.#toContent(tab, { type: "background/to-page", message: checked.value })
        return
      }
      case "panel/watch-origin":
        // Only after hello: a watcher is defined by the tab it inspects.
        if (!this.#panelTab.has(port)) return
        if (message.watch === true) this.#watchers.set(port, this.#watchers.get(port) ?? "")
        else this.#watchers.delete(port)
        this.#refreshWatch()
        return
      case "panel/snapshot-origin": {
        const { requestId } = message
        if (!this.#watchers.has(port) || typeof requestId !== "string" || requestId.length > MAX_REQUEST_ID) return
        // The background writes the request itself: a watcher can ask other tabs for nothing else.
        for (const { tabId } of this.#originTabs(port)) {
          this.#toContent(this.#tabs.get(tabId)!, { type: "background/to-page", message: { type: "panel/snapshot", requestId } })
        }
        return
      }
      default:
        assertNever(message)
    }
  }

  /** Tabs other than `panel`'s own, with a relay connected, showing the same site as its tab. */
  #originTabs(panel: RouterPort): OriginTab[] {
    const inspected = this.#panelTab.get(panel)
    const site = inspected === undefined ? undefined : this.#tabs.get(inspected)?.content?.site
    const tabs: OriginTab[] = []
    for (const [tabId, tab] of this.#tabs) {
      if (tabId === inspected || !sameSite(site, tab.content?.site)) continue
      tabs.push(tab.url === undefined ? { tabId } : { tabId, url: tab.url })
    }
    return tabs.sort((a, b) => a.tabId - b.tabId)
  }

  /** The panels that watch `tabId` as another tab of their origin. */
  #watchersOf(tabId: number): RouterPort[] {
    const site = this.#tabs.get(tabId)?.content?.site
    if (!site) return []
    const watchers: RouterPort[] = []
    for (const watcher of this.#watchers.keys()) {
      const inspected = this.#panelTab.get(watcher)
      if (inspected !== undefined && inspected !== tabId && sameSite(site, this.#tabs.get(inspected)?.content?.site)) watchers.push(watcher)
    }
    return watchers
  }

  /**
   * After anything that can change who watches whom (a page or a panel came,
   * went or navigated): watchers whose tab list changed get the new one, and
   * relays learn whether anyone listens to them now.
   */
  #refreshWatch(): void {
    for (const [watcher, sent] of this.#watchers) {
      const tabs = this.#originTabs(watcher)
      const text = JSON.stringify(tabs)
      if (text === sent) continue
      this.#watchers.set(watcher, text)
      safePost(watcher, { type: "background/origin-tabs", tabs } satisfies BackgroundToPanelWire)
    }
    for (const [tabId, tab] of this.#tabs) {
      if (!tab.content) continue
      const listening = tab.panels.size > 0 || this.#watchersOf(tabId).length > 0
      if (listening === tab.listening) continue
      tab.listening = listening
      this.#toContent(tab, { type: "background/panel-listening", listening })
    }
  }

  #tab(tabId: number): Tab {
    let tab = this.#tabs.get(tabId)
    if (!tab) {
      tab = { panels: new Set() }
      this.#tabs.set(tabId, tab)
    }
    return tab
  }

  #forget(tabId: number): void {
    const tab = this.#tabs.get(tabId)
    if (tab && !tab.content && tab.panels.size === 0) this.#tabs.delete(tabId)
  }

  #toContent(tab: Tab, message: BackgroundToContentMessage): void {
    safePost(tab.content, message)
  }

  #toPanels(tab: Tab, message: BackgroundToPanelWire): void {
    for (const panel of tab.panels) safePost(panel, message)
  }
}

/** A port can die between its last event and our post; that is not our caller's problem. */
function safePost(port: RouterPort | undefined, message: unknown): void {
  try {
    port?.post(message)
  } catch {
    // The disconnect event follows and cleans up.
  }
}
