/**
 * The panel's side of a room across tabs: watching while shown, asking the
 * listed tabs for snapshots, and one state per tab fed through the reducer.
 */
import { describe, expect, it } from "vitest"
import type { BackgroundToPanelMessage, PanelToBackgroundMessage } from "../../protocol/messages"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { OriginTabs, SNAPSHOT_INTERVAL_MS } from "../../devtools-panel/ui/origin-tabs.svelte"
import { T0, entry, registered, repoInfo, store, tabSnapshot } from "../component/fixtures/messages"

function setup() {
  const transport = new MemoryTransport()
  const ticks: Array<() => void> = []
  let stopped = 0
  const tabs = new OriginTabs(transport, {
    now: () => T0,
    schedule: flush => flush(),
    every: (intervalMs, tick) => {
      expect(intervalMs).toBe(SNAPSHOT_INTERVAL_MS)
      ticks.push(tick)
      return () => void stopped++
    },
  })
  const sentTypes = () =>
    transport.sent.map((message: PanelToBackgroundMessage) =>
      message.type === "panel/watch-origin" ? `watch ${message.watch}` : message.type,
    )
  return { transport, tabs, ticks, sentTypes, stopped: () => stopped }
}

function tabBatch(tabId: number, seq: number, x: number): BackgroundToPanelMessage {
  const info = repoInfo({ repoId: "repo-1", label: `tab-${tabId}`, peerId: String(tabId * 100) })
  return {
    type: "background/tab-batch",
    tabId,
    message: {
      type: "background/page-batch",
      batch: { seq, messages: [tabSnapshot([registered(info, { stores: [store("room:lobby", "cursor", [entry("1", { x }, T0)])] })])] },
    },
  }
}

const cursorIn = (tabs: OriginTabs, tabId: number) =>
  tabs.tabs.get(tabId)?.state.repos.get("repo-1")?.rooms.get("room:lobby")?.namespaces.get("cursor")?.get("1")?.value

describe("OriginTabs", () => {
  it("watches and asks only while started", () => {
    const { transport, tabs, ticks, sentTypes, stopped } = setup()
    transport.deliver({ type: "background/origin-tabs", tabs: [{ tabId: 2 }] })
    expect(tabs.tabs.size).toBe(0)
    const stop = tabs.start()
    expect(sentTypes()).toEqual(["watch true", "panel/snapshot-origin"])
    ticks[0]!()
    expect(transport.sent.at(-1)).toEqual({ type: "panel/snapshot-origin", requestId: "tabs-2" })
    stop()
    expect(sentTypes().at(-1)).toBe("watch false")
    expect(stopped()).toBe(1)
    tabs.dispose()
  })

  it("keeps one state per listed tab, fed through the reducer, and forgets tabs that leave the list", () => {
    const { transport, tabs, sentTypes } = setup()
    tabs.start()
    transport.deliver({ type: "background/origin-tabs", tabs: [{ tabId: 2, url: "http://app.test/a" }] })
    expect(tabs.listed).toBe(true)
    // A tab that just arrived is asked at once.
    expect(sentTypes()).toEqual(["watch true", "panel/snapshot-origin", "panel/snapshot-origin"])
    transport.deliver(tabBatch(2, 0, 1), tabBatch(3, 0, 9))
    expect(cursorIn(tabs, 2)).toEqual({ x: 1 })
    expect(tabs.tabs.has(3)).toBe(false)
    transport.deliver(tabBatch(2, 1, 2))
    expect(cursorIn(tabs, 2)).toEqual({ x: 2 })
    expect(tabs.tabs.get(2)!.url).toBe("http://app.test/a")

    const before = tabs.tabs.get(2)!.state
    transport.deliver({ type: "background/origin-tabs", tabs: [{ tabId: 2, url: "http://app.test/a" }, { tabId: 3 }] })
    expect(tabs.tabs.get(2)!.state).toBe(before)
    transport.deliver({ type: "background/origin-tabs", tabs: [{ tabId: 3 }] })
    expect([...tabs.tabs.keys()]).toEqual([3])
    tabs.stop()
    expect(tabs.tabs.size).toBe(0)
    tabs.dispose()
  })
})
