// @vitest-environment jsdom
/**
 * The Across tabs view over an in-memory transport: it watches the origin
 * while shown, lays the tabs' copies side by side, and flags a key whose
 * copies still differ a settle time after it last changed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import type { BackgroundToPanelMessage, HookToPanelMessage } from "../../protocol/messages"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, entry, events, hello, pageStatus, registered, repoInfo, store, storeEvent, tabSnapshot } from "./fixtures/messages"

const DOC = "room:lobby"
const BOB = "200"

/** A tab's repo after the room synced: both members' presence, and bob's cursor as this tab holds it. */
function registration(label: string, peerId: string, bobCursor: unknown, stamp = T0): HookToPanelMessage {
  return registered(repoInfo({ repoId: "repo-1", label, peerId }), {
    stores: [
      store(DOC, "cursor", [entry(BOB, bobCursor as never, stamp)]),
      store(DOC, "presence", [entry("100", { name: "alice" }, T0), entry(BOB, { name: "bob" }, T0)]),
    ],
  })
}

function fromTab(tabId: number, seq: number, message: HookToPanelMessage): BackgroundToPanelMessage {
  return { type: "background/tab-batch", tabId, message: { type: "background/page-batch", batch: { seq, messages: [message] } } }
}

const row = (panel: MountedPanel, namespace: string, key: string) =>
  panel.one("tabs-row", `[data-namespace="${namespace}"][data-key="${key}"]`)
const copies = (element: HTMLElement) =>
  [...element.querySelectorAll<HTMLElement>('[data-testid="tabs-copy"]')].map(cell => [cell.dataset.json, cell.dataset.odd])

describe("Across tabs view", () => {
  let panel: MountedPanel
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] })
    vi.setSystemTime(T0 + 100)
    panel = mountPanel({ now: () => Date.now() })
    // The inspected tab: alice, who received bob's first write.
    panel.push(pageStatus(true), batch(0, hello(), registration("alice", "100", { x: 1 })))
  })
  afterEach(() => {
    panel.destroy()
    vi.useRealTimers()
  })

  function open(): void {
    panel.one("tab-tabs").click()
    panel.settle()
  }

  it("watches the origin only while shown", () => {
    expect(panel.transport.sent.some(message => message.type === "panel/watch-origin")).toBe(false)
    open()
    expect(panel.transport.sent.filter(message => message.type !== "panel/to-page").map(message => message.type)).toEqual([
      "panel/watch-origin",
      "panel/snapshot-origin",
    ])
    expect(panel.one("tabs-summary").textContent).toContain("Looking for other tabs")
    panel.one("tab-live").click()
    panel.settle()
    expect(panel.transport.sent.at(-1)).toEqual({ type: "panel/watch-origin", watch: false })
  })

  it("says so when no other tab of the site is open", () => {
    open()
    panel.push({ type: "background/origin-tabs", tabs: [] })
    expect(panel.one("tabs-summary").textContent).toContain("No other tab of http://127.0.0.1:4173 is open")
    expect(panel.all("tabs-column").map(column => column.dataset.label)).toEqual(["alice"])
  })

  it("shows each tab's copy side by side and flags a same-timestamp tie once the settle time has passed", () => {
    open()
    panel.push({ type: "background/origin-tabs", tabs: [{ tabId: 7, url: "http://127.0.0.1:4173/app" }] })
    // Bob's own tab: the last of his writes in that millisecond, at the same timestamp.
    panel.push(fromTab(7, 0, tabSnapshot([registration("bob", BOB, { x: 3 })])))
    expect(panel.all("tabs-column").map(column => [column.dataset.tabId, column.dataset.label])).toEqual([
      ["self", "alice"],
      ["7", "bob"],
    ])
    const bob = row(panel, "cursor", BOB)
    // Bob's copy is the reference (his key); alice's differs.
    expect(copies(bob)).toEqual([
      [JSON.stringify({ x: 1 }), "true"],
      [JSON.stringify({ x: 3 }), "false"],
    ])
    expect(bob.dataset.status).toBe("settling")
    // Keys that are peer ids read as names.
    expect(bob.querySelector(".key")!.textContent).toBe("bob")

    vi.advanceTimersByTime(2_000)
    panel.settle()
    expect(row(panel, "cursor", BOB).dataset.status).toBe("diverged")
    expect(row(panel, "cursor", BOB).dataset.kind).toBe("tie")
    expect(panel.one("tabs-summary").dataset.diverged).toBe("1")
    expect(panel.one("tabs-summary").textContent).toContain("1 diverged")
    expect(row(panel, "presence", "100").dataset.status).toBe("same")

    // Bob writes again, normally: both copies take it.
    const now = Date.now()
    panel.push(
      batch(1, events("repo-1", storeEvent("repo-1", DOC, "cursor", "import", [entry(BOB, { x: 4 }, now)], now))),
      fromTab(7, 1, tabSnapshot([registration("bob", BOB, { x: 4 }, now)])),
    )
    expect(row(panel, "cursor", BOB).dataset.status).toBe("same")
  })

  it("uses the settle time the user sets", () => {
    open()
    panel.push(
      { type: "background/origin-tabs", tabs: [{ tabId: 7 }] },
      fromTab(7, 0, tabSnapshot([registration("bob", BOB, { x: 3 }, T0 + 100)])),
    )
    const settle = panel.one("tabs-settle") as HTMLInputElement
    settle.value = "10"
    settle.dispatchEvent(new Event("change", { bubbles: true }))
    vi.advanceTimersByTime(5_000)
    panel.settle()
    expect(row(panel, "cursor", BOB).dataset.status).toBe("settling")
    settle.value = "0.5"
    settle.dispatchEvent(new Event("change", { bubbles: true }))
    panel.settle()
    expect(row(panel, "cursor", BOB).dataset.status).toBe("diverged")
  })
})
