import {
  CONTENT_PORT,
  PANEL_PORT,
  PROTOCOL_VERSION,
  assertNever,
  type BackgroundToContentMessage,
  type BackgroundToPanelWire,
  type ContentToBackgroundMessage,
  type PanelToBackgroundMessage,
  type RelayStats,
} from "../../protocol/messages"
import { checkPanelToHook, isContentToBackground, isPanelToBackground } from "../../protocol/validate"

/** A connected port as the router sees it; background.ts adapts runtime.Port to this. */
export interface RouterPort {
  name: string
  /** Set for content scripts (the tab they run in). */
  tabId?: number
  frameId?: number
  /** True when the sender is one of this extension's own pages. */
  fromExtensionPage: boolean
  post(message: unknown): void
  disconnect(): void
}

interface Tab {
  content?: RouterPort
  url?: string
  panels: Set<RouterPort>
  stats?: RelayStats
}

/**
 * Routes between one content relay and any number of panels per tab.
 * Everything here is rebuilt from hellos after a restart.
 */
export class TabRouter {
  readonly #tabs = new Map<number, Tab>()
  readonly #panelTab = new Map<RouterPort, number>()

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
      this.#toPanels(tab, { type: "background/page-status", connected: false, url: tab.url })
      this.#forget(port.tabId!)
      return
    }
    const tabId = this.#panelTab.get(port)
    if (tabId === undefined) return
    this.#panelTab.delete(port)
    const tab = this.#tabs.get(tabId)
    if (!tab) return
    tab.panels.delete(port)
    if (tab.panels.size === 0) this.#toContent(tab, { type: "background/panel-listening", listening: false })
    this.#forget(tabId)
  }

  /** For tests and diagnostics. */
  panelsOf(tabId: number): number {
    return this.#tabs.get(tabId)?.panels.size ?? 0
  }

  #fromContent(port: RouterPort, message: ContentToBackgroundMessage): void {
    const tab = this.#tab(port.tabId!)
    switch (message.type) {
      case "content/hello": {
        if (message.protocol !== PROTOCOL_VERSION) return
        if (tab.content && tab.content !== port) tab.content.disconnect()
        tab.content = port
        tab.url = typeof message.url === "string" ? message.url : undefined
        this.#toContent(tab, { type: "background/panel-listening", listening: tab.panels.size > 0 })
        this.#toPanels(tab, { type: "background/page-status", connected: true, url: tab.url })
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
        this.#toContent(tab, { type: "background/panel-listening", listening: true })
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
      case "panel/snapshot-origin":
        // Not routed yet: watching a tab's origin comes with the origin's tab list.
        return
      default:
        assertNever(message)
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
