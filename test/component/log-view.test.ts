// @vitest-environment jsdom
import { EphemeralStore } from "loro-crdt"
import { tick } from "svelte"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import type { HookEvent, WireValue } from "../../protocol/messages"
import { bytesToHex } from "../../codec/hex"
import { logViewModel } from "../../devtools-panel/views/log/log-view.svelte"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, channel, entry, events, hello, pageStatus, peer, registered, repoInfo, storeEvent } from "./fixtures/messages"

const DOC = "room:lobby"
const HUB = "900"
const ALICE = "200"

let nextId = 1000

// jsdom has no layout: the list measures its height with a ResizeObserver, which jsdom lacks.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver

function frameBytes(entries: Record<string, WireValue>): WireValue {
  const store = new EphemeralStore(60_000)
  for (const [key, value] of Object.entries(entries)) store.set(key, value as never)
  const data = store.encodeAll()
  store.destroy()
  return { $ephemera: "bytes", type: "Uint8Array", length: data.length, hex: bytesToHex(data), truncated: false }
}

/** An inbound presence frame relayed by the hub, carrying alice's entry, and the message that handled it. */
function relayedFrame(t: number, x: number): HookEvent[] {
  const frame = {
    type: "channel/ephemeral",
    docId: DOC,
    hopsRemaining: 0,
    stores: [{ peerId: HUB, namespace: "presence", data: frameBytes({ [ALICE]: { name: "alice", x } }) }],
  }
  return [
    {
      kind: "channel-in",
      id: nextId++,
      repoId: "r1",
      t,
      channelId: 1,
      peerId: HUB,
      msgType: "channel/ephemeral",
      size: 120,
      message: frame,
    },
    {
      kind: "sync-message",
      id: nextId++,
      repoId: "r1",
      t,
      msgType: "synchronizer/channel-receive-message",
      message: { type: "synchronizer/channel-receive-message", envelope: { fromChannelId: 1, message: frame } },
      commands: [
        { type: "cmd/batch", depth: 0 },
        { type: "cmd/apply-ephemeral", depth: 1, detail: { docId: DOC, stores: frame.stores } },
      ],
      delta: {},
    },
  ]
}

function emitter(t: number, name = "ready-state-changed"): HookEvent {
  return { kind: "emitter", id: nextId++, repoId: "r1", t, name, data: { docId: DOC } }
}

function rows(panel: MountedPanel): HTMLElement[] {
  return panel.all("log-row")
}

async function settle(panel: MountedPanel): Promise<void> {
  panel.settle()
  await tick()
  panel.settle()
}

function type(input: HTMLElement, value: string): void {
  ;(input as HTMLInputElement).value = value
  input.dispatchEvent(new Event("input", { bubbles: true }))
}

function choose(select: HTMLElement, value: string): void {
  ;(select as HTMLSelectElement).value = value
  select.dispatchEvent(new Event("change", { bubbles: true }))
}

describe("log view", () => {
  let panel: MountedPanel
  beforeEach(async () => {
    panel = mountPanel()
    // Refresh on every change: the tests push and read synchronously.
    logViewModel(panel.store).refreshMs = 0
    panel.push(
      pageStatus(true),
      batch(
        1,
        hello(),
        registered(repoInfo(), {
          peers: [peer(HUB, { name: "hub", channels: [1], subscriptions: [DOC] }), peer(ALICE, { name: "alice" })],
          channels: [channel(1, HUB)],
        }),
      ),
    )
    panel.one("tab-log").click()
    await settle(panel)
  })
  afterEach(() => panel.destroy())

  it("/ focuses the log's own search on the Log tab (the status bar's on the others), Escape leaves it", async () => {
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "/" }))
    panel.settle()
    const logSearch = panel.one("log-search")
    expect(document.activeElement).toBe(logSearch)
    logSearch.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }))
    expect(document.activeElement).not.toBe(logSearch)
    panel.one("tab-live").click()
    await settle(panel)
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "/" }))
    panel.settle()
    expect(document.activeElement).toBe(panel.one("search-input"))
  })

  it("shows every event as a row, with a message's commands nested under it", async () => {
    panel.push(batch(2, events("r1", ...relayedFrame(T0 + 1, 1), emitter(T0 + 2))))
    await settle(panel)
    expect(rows(panel).map(row => row.dataset.kind)).toEqual(["channel-in", "sync-message", "emitter"])
    expect(panel.all("log-command-row").map(row => [row.dataset.commandType, row.dataset.depth])).toEqual([
      ["cmd/batch", "0"],
      ["cmd/apply-ephemeral", "1"],
    ])
    // The frame's row names the owner of the key it carries, not only its sender.
    expect(rows(panel)[0]!.textContent).toContain("presence: alice")
    expect(rows(panel)[0]!.textContent).toContain("from #1 hub")
  })

  it("renders only the rows in view out of 5,000 and counts them all", async () => {
    panel.push(batch(2, events("r1", ...Array.from({ length: 5_000 }, (_, i) => emitter(T0 + i)))))
    // Indexing runs in slices of a few milliseconds, between tasks.
    await vi.waitFor(async () => {
      await settle(panel)
      expect(panel.one("log-count").dataset.shown).toBe("5000")
    })
    expect(panel.one("log-list").dataset.count).toBe("5000")
    expect(rows(panel).length).toBeGreaterThan(10)
    expect(rows(panel).length).toBeLessThan(80)
    // Following: the newest event is on screen.
    expect(rows(panel).at(-1)!.dataset.eventId).toBe(String(nextId - 1))
  })

  it("filters by kind, peer and search without dropping anything from the buffer", async () => {
    panel.push(batch(2, events("r1", ...relayedFrame(T0 + 1, 7), emitter(T0 + 2), emitter(T0 + 3, "ephemeral-change"))))
    await settle(panel)
    panel.one("log-filter-kind", '[data-kind="emitter"]').click()
    await settle(panel)
    expect(rows(panel).map(row => row.dataset.kind)).toEqual(["channel-in", "sync-message"])
    panel.one("log-filter-kind", '[data-kind="emitter"]').click()
    // Alice is only inside the frame's bytes; the peer filter finds her there.
    choose(panel.one("log-filter-peer"), ALICE)
    await settle(panel)
    expect(rows(panel).map(row => row.dataset.kind)).toEqual(["channel-in", "sync-message"])
    choose(panel.one("log-filter-peer"), "")
    type(panel.one("log-search"), '"x":7')
    await settle(panel)
    expect(rows(panel).map(row => row.dataset.kind)).toEqual(["channel-in", "sync-message"])
    type(panel.one("log-search"), "ephemeral-change")
    await settle(panel)
    expect(rows(panel).map(row => row.dataset.kind)).toEqual(["emitter"])
    expect(panel.one("log-count").dataset).toMatchObject({ shown: "1", held: "4" })
    panel.one("log-filter-reset").click()
    await settle(panel)
    expect(rows(panel)).toHaveLength(4)
  })

  it("pauses, resumes, clears, and evicts past the buffer size it is given", async () => {
    panel.push(batch(2, events("r1", emitter(T0 + 1))))
    panel.one("log-pause").click()
    await settle(panel)
    expect(panel.one("log-pause").getAttribute("aria-pressed")).toBe("true")
    panel.push(batch(3, events("r1", emitter(T0 + 2), emitter(T0 + 3))))
    await settle(panel)
    expect(rows(panel)).toHaveLength(1)
    expect(panel.one("log-not-recorded").dataset.count).toBe("2")
    panel.one("log-pause").click()
    panel.push(batch(4, events("r1", emitter(T0 + 4))))
    await settle(panel)
    expect(rows(panel)).toHaveLength(2)

    panel.one("log-clear").click()
    await settle(panel)
    expect(rows(panel)).toHaveLength(0)
    expect(panel.one("log-empty").textContent).toContain("No events yet")

    const size = panel.one("log-buffer-size") as HTMLInputElement
    size.value = "10"
    size.dispatchEvent(new Event("change", { bubbles: true }))
    panel.push(batch(5, events("r1", ...Array.from({ length: 25 }, (_, i) => emitter(T0 + 10 + i)))))
    await settle(panel)
    expect(panel.one("log-count").dataset.held).toBe("10")
    expect(panel.one("log-evicted").dataset.count).toBe("15")
    expect(rows(panel)[0]!.dataset.eventId).toBe(String(nextId - 10))
  })

  it("moves with the keyboard, opens the detail with Enter, decodes the frame and checks it with loro-crdt", async () => {
    panel.push(batch(2, events("r1", ...relayedFrame(T0 + 1, 3), emitter(T0 + 2))))
    panel.one("log-filter-kind", '[data-kind="sync-message"]').click()
    await settle(panel)
    const list = panel.one("log-list")
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true }))
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true }))
    await settle(panel)
    expect(panel.all("log-detail")).toHaveLength(0)
    expect(list.getAttribute("aria-activedescendant")).toBe(rows(panel)[0]!.id)
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }))
    await settle(panel)
    const detail = panel.one("log-detail")
    expect(detail.dataset.kind).toBe("channel-in")
    const entry = panel.one("decoded-entry")
    expect(entry.dataset).toMatchObject({ key: ALICE, peer: ALICE, deleted: "false", namespace: "presence" })
    expect(Number(entry.dataset.timestamp)).toBeGreaterThan(Date.now() - 60_000)
    expect(panel.one("decoded-payload").dataset.sender).toBe(HUB)
    await vi.waitFor(async () => {
      await settle(panel)
      expect(panel.one("loro-check").dataset.status).toBe("match")
    })
    expect(panel.one("log-related").textContent).toBe(`#${nextId - 2}`)
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }))
    await settle(panel)
    expect(panel.all("log-detail")).toHaveLength(0)
  })

  it("copies the selected event as JSON", async () => {
    const writeText = vi.fn(async (_text: string) => {})
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } })
    const [event] = [emitter(T0 + 1, "copied-event")]
    panel.push(batch(2, events("r1", event!)))
    await settle(panel)
    rows(panel)[0]!.click()
    await settle(panel)
    panel.one("log-copy").querySelector("button")!.click()
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledTimes(1))
    expect(JSON.parse(writeText.mock.calls[0]![0])).toEqual(event)
  })

  it("shows live frames, messages, entries and bytes per second per channel, peer and sender, with a chart", async () => {
    const now = Date.now()
    panel.push(batch(2, events("r1", ...Array.from({ length: 10 }, (_, i) => relayedFrame(now - i * 100, i)[0]!))))
    panel.one("log-rates-toggle").click()
    // Ten frames within the last second, averaged over the five-second window, once the shared clock has ticked past them.
    await vi.waitFor(async () => {
      await settle(panel)
      // Each frame: one message of one entry; the hub sent every payload.
      expect(
        panel
          .all("rate-row")
          .map(row => [
            row.dataset.scope,
            row.dataset.key,
            Number(row.dataset.eventsPerSecond),
            Number(row.dataset.messagesPerSecond),
            Number(row.dataset.entriesPerSecond),
          ]),
      ).toEqual([
        ["channel", "1", 2, 2, 2],
        ["peer", HUB, 2, 2, 2],
        ["sender", HUB, 0, 2, 2],
      ])
    })
    expect(panel.all("rate-chart")).toHaveLength(3)
    expect(panel.one("rate-row", '[data-scope="peer"]').textContent).toContain("hub")
  })

  it("shows who a local change went to, and why", async () => {
    panel.push(
      batch(
        2,
        events("r1", {
          kind: "sync-message",
          id: nextId++,
          repoId: "r1",
          t: T0,
          msgType: "synchronizer/local-doc-change",
          message: { type: "synchronizer/local-doc-change", docId: DOC },
          commands: [
            {
              type: "cmd/send-message",
              depth: 0,
              detail: { envelope: { toChannelIds: [1], message: { type: "channel/new-doc", docIds: [DOC] } } },
            },
          ],
          delta: {},
        }),
      ),
    )
    await settle(panel)
    rows(panel)[0]!.click()
    await settle(panel)
    const row = panel.one("propagation-row")
    expect(row.dataset).toMatchObject({ peerId: HUB, outcome: "announcement" })
    expect(row.textContent).toContain("announced only")
  })

  it("shows a store change as a before/after diff per key, and re-stamps as one line", async () => {
    panel.push(
      batch(
        2,
        events(
          "r1",
          storeEvent("r1", DOC, "cursor", "import", [entry(ALICE, { x: 1, y: 5 }, T0)], T0),
          storeEvent("r1", DOC, "cursor", "import", [entry(HUB, { x: 0, y: 0 }, T0)], T0),
          storeEvent(
            "r1",
            DOC,
            "cursor",
            "local",
            [entry(ALICE, { x: 2, y: 5, tag: "new" }, T0 + 10), entry(HUB, { x: 0, y: 0 }, T0 + 10), entry("300", { x: 9 }, T0 + 10)],
            T0 + 10,
          ),
        ),
      ),
    )
    await settle(panel)
    rows(panel)[2]!.click()
    await settle(panel)
    const changes = panel.all("store-change")
    expect(changes.map(change => [change.dataset.key, change.dataset.beforeKnown])).toEqual([
      [ALICE, "true"],
      ["300", "false"],
    ])
    expect(
      [...changes[0]!.querySelectorAll<HTMLElement>('[data-testid="json-diff-change"]')].map(change => [
        change.dataset.path,
        change.dataset.kind,
      ]),
    ).toEqual([
      ["tag", "added"],
      ["x", "changed"],
    ])
    expect(changes[1]!.querySelector('[data-testid="json-diff-change"]')!.getAttribute("data-kind")).toBe("added")
    expect(panel.one("store-restamped").dataset.count).toBe("1")
  })
})
