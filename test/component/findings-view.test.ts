// @vitest-environment jsdom
/**
 * The Findings view over the whole panel: a finding made by the detectors
 * from what the page sent, counted on the tab bar and the status bar, read
 * in plain words with names (ids on hover), opened for why and what to do,
 * followed to its evidence in the Log and the Live view, copied as JSON,
 * kept across a page reload and gone on Clear.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import type { WireValue } from "../../protocol/messages"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, channelIn, entry, events, store, storeEvent } from "./fixtures/messages"
import { ephemeralFrame } from "./fixtures/frames"
import { pageOpening, peerOnChannelOne } from "./fixtures/opening"

// jsdom has no layout: the log's list measures its height with a ResizeObserver, which jsdom lacks.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver

const DOC = "room:lobby"
const SELF = "100"
const HUB = "900"

/** A hub's frame carrying its copy of the cursor store. */
function hubFrame(
  entries: Array<{ key: string; value: { x: number } | { name: string }; timestamp: number }>,
  namespace = "cursor",
): WireValue {
  return ephemeralFrame({ docId: DOC, hopsRemaining: 1, owner: HUB, namespace, entries })
}

function openPage(panel: MountedPanel, instance = "hook-1"): void {
  panel.push(
    ...pageOpening(
      {
        ...peerOnChannelOne(HUB, DOC, "hub"),
        stores: [store(DOC, "presence", [entry(SELF, { name: "alice" }, T0 - 10)]), store(DOC, "cursor", [entry(SELF, { x: 2 }, T0 - 5)])],
      },
      { instance },
    ),
  )
}

/** The hub's re-stamped copy of alice's older cursor comes back and wins. */
function overwrite(panel: MountedPanel, seq = 2): void {
  panel.push(
    batch(
      seq,
      events(
        "r1",
        channelIn("r1", 1, HUB, hubFrame([{ key: SELF, value: { x: 1 }, timestamp: T0 + 100 }]), T0 + 101),
        storeEvent("r1", DOC, "cursor", "import", [entry(SELF, { x: 1 }, T0 + 100)], T0 + 101),
      ),
    ),
  )
}

describe("findings view", () => {
  let panel: MountedPanel
  beforeEach(() => {
    panel = mountPanel()
    openPage(panel)
  })
  afterEach(() => panel.destroy())

  function openFindings(): void {
    panel.one("tab-findings").click()
    panel.settle()
  }

  it("counts findings by severity on the tab bar and the status bar", async () => {
    expect(panel.all("tab-findings-counts")).toEqual([])
    overwrite(panel)
    await Promise.resolve()
    panel.settle()
    const [tab] = panel.all("tab-findings-counts")
    expect(tab!.querySelector('[data-severity="error"]')!.getAttribute("data-count")).toBe("1")
    expect(panel.one("status-findings").getAttribute("aria-label")).toBe("1 error")
    panel.one("status-findings").click()
    panel.settle()
    expect(panel.all("findings-view")).toHaveLength(1)
  })

  it("says what happened in plain words, names with ids on hover, and why and what to do when opened", async () => {
    overwrite(panel)
    await Promise.resolve()
    openFindings()
    const [finding] = panel.all("finding")
    expect(finding!.dataset).toMatchObject({ kind: "own-key-overwritten", severity: "error" })
    expect(panel.one("finding-summary").textContent).toBe(
      "alice's own cursor was overwritten by an import: hub's re-stamped copy replaced a newer value",
    )
    const names = panel.all("finding-peer").map(el => [el.textContent, el.title])
    expect(names).toEqual([
      ["alice", SELF],
      ["hub", HUB],
    ])
    expect(panel.all("finding-body")).toEqual([])
    panel.one("finding-toggle").click()
    panel.settle()
    const body = panel.one("finding-body").textContent!
    expect(body).toContain('hub\'s copy {"x":1}')
    expect(body).toContain('replaced {"x":2}')
    expect(body).toContain("It arrived on channel #1 to hub.")
    expect(panel.one("finding-why").textContent).toContain("re-stamps every key a repo holds")
    expect(panel.one("finding-fix").textContent).toContain("Write your own key again")
  })

  it("leads from the evidence to the event in the Log and to the key and its value history in the Live view", async () => {
    overwrite(panel)
    await Promise.resolve()
    openFindings()
    panel.one("finding-toggle").click()
    panel.settle()
    panel.all("finding-evidence")[0]!.click()
    panel.settle()
    expect(panel.all("log-view")).toHaveLength(1)
    expect(panel.one("log-detail").textContent).toContain("store")

    openFindings()
    panel.one("finding-toggle").click()
    panel.settle()
    panel.all("finding-evidence")[1]!.click()
    panel.settle()
    expect(panel.selection.peerId).toBe(SELF)
    const highlighted = panel.all("ephemeral-entry", `[data-namespace="cursor"][data-key="${SELF}"]`)
    expect(highlighted[0]!.dataset.highlighted).toBe("true")
    const history = panel.one("key-history")
    expect([history.dataset.namespace, history.dataset.key]).toEqual(["cursor", SELF])
  })

  it("copies the findings as JSON, with peer ids spelled out", async () => {
    overwrite(panel)
    await Promise.resolve()
    openFindings()
    const writeText = vi.fn(async (_text: string) => {})
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } })
    panel.one("findings-copy").click()
    await vi.waitFor(() => expect(writeText).toHaveBeenCalled())
    const copied = JSON.parse(writeText.mock.calls[0]![0])
    expect(copied).toEqual([
      expect.objectContaining({
        kind: "own-key-overwritten",
        severity: "error",
        summary: `alice (${SELF})'s own cursor was overwritten by an import: hub (${HUB})'s re-stamped copy replaced a newer value`,
        repo: { repoId: "r1", label: "my-app" },
        key: SELF,
        count: 1,
      }),
    ])
  })

  it("keeps findings when the page reloads, until cleared", async () => {
    overwrite(panel)
    await Promise.resolve()
    openFindings()
    // A new hook instance: the page reloaded and its repos are gone.
    openPage(panel, "hook-2")
    await Promise.resolve()
    panel.settle()
    expect(panel.all("finding")).toHaveLength(1)
    expect(panel.one("tab-findings-counts").getAttribute("aria-label")).toBe("1 error")
    panel.one("findings-clear").click()
    panel.settle()
    expect(panel.all("finding")).toEqual([])
    expect(panel.all("tab-findings-counts")).toEqual([])
    expect(panel.one("findings-empty").textContent).toContain("Ephemera watches for")
  })

  it("filters by severity and moves between findings with the arrow keys", async () => {
    overwrite(panel)
    await Promise.resolve()
    openFindings()
    const errors = panel.one("severity-filter", '[data-severity="error"]')
    errors.click()
    panel.settle()
    expect(panel.all("finding")).toEqual([])
    expect(panel.one("findings-empty").textContent).toContain("No finding of the severities shown")
    errors.click()
    // A second finding: the hub's stale copy of alice's presence wins too.
    panel.push(
      batch(
        3,
        events(
          "r1",
          channelIn("r1", 1, HUB, hubFrame([{ key: SELF, value: { name: "old alice" }, timestamp: T0 + 200 }], "presence"), T0 + 201),
          storeEvent("r1", DOC, "presence", "import", [entry(SELF, { name: "old alice" }, T0 + 200)], T0 + 201),
        ),
      ),
    )
    await Promise.resolve()
    panel.settle()
    const [first, second] = panel.all("finding-toggle")
    first!.focus()
    first!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }))
    expect(document.activeElement).toBe(second)
    second!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true }))
    expect(document.activeElement).toBe(first)
  })
})

describe("findings view names", () => {
  let panel: MountedPanel
  afterEach(() => panel.destroy())

  it("names a peer the detectors knew no name for as every view does, its id on hover", async () => {
    panel = mountPanel()
    // The hub has no identity name and publishes only a displayName: the detectors know no name for it.
    panel.push(
      ...pageOpening({
        ...peerOnChannelOne(HUB, DOC),
        stores: [
          store(DOC, "presence", [entry(SELF, { name: "alice" }, T0 - 10), entry(HUB, { displayName: "central hub" }, T0 - 10)]),
          store(DOC, "cursor", [entry(SELF, { x: 2 }, T0 - 5)]),
        ],
      }),
    )
    overwrite(panel)
    await Promise.resolve()
    panel.one("tab-findings").click()
    panel.settle()
    expect(panel.all("finding-peer").map(el => [el.textContent, el.title])).toEqual([
      ["alice", SELF],
      ["central hub", HUB],
    ])
  })
})
