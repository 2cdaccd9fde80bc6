// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, entry, events, registered, repoInfo, store, storeEvent, tombstone } from "./fixtures/messages"
import { pageOpening, peerOnChannelOne } from "./fixtures/opening"

const DOC = "room:lobby"
const SELF = "100"
const BOB = "200"
const CAROL = "300"

function openPage(panel: MountedPanel): void {
  panel.push(
    ...pageOpening(
      {
        ...peerOnChannelOne(BOB, DOC, "bob"),
        stores: [
          store(DOC, "presence", [
            entry(SELF, { name: "alice", cursor: { x: 1, y: 2 } }, T0 - 10),
            entry(BOB, { name: "bob", cursor: { x: 5, y: 5 } }, T0 - 10),
            entry(CAROL, { name: "carol", avatar: { $ephemera: "bytes", length: 3, hex: "010203" } }, T0 - 10),
          ]),
          store(DOC, "typing", [entry(BOB, true, T0 - 10)]),
        ],
      },
      {
        also: [
          registered(repoInfo({ repoId: "r2", label: "second", peerId: "101" }), {
            stores: [store("room:other", "presence", [entry("101", { name: "dave" }, T0)])],
          }),
        ],
      },
    ),
  )
}

function entryEl(panel: MountedPanel, namespace: string, key: string): HTMLElement {
  return panel.one("ephemeral-entry", `[data-namespace="${namespace}"][data-key="${key}"]`)
}

function valueJson(panel: MountedPanel, namespace: string, key: string): string | null {
  return entryEl(panel, namespace, key).querySelector('[data-testid="entry-value"]')!.getAttribute("data-json")
}

describe("live view", () => {
  let panel: MountedPanel
  beforeEach(() => {
    panel = mountPanel()
    openPage(panel)
  })
  afterEach(() => panel.destroy())

  it("lists repos and rooms and shows the first room's entries with their exact JSON", () => {
    expect(panel.all("repo-item").map(el => [el.dataset.repoId, el.dataset.label, el.dataset.peerId, el.dataset.gone])).toEqual([
      ["r1", "my-app", SELF, "false"],
      ["r2", "second", "101", "false"],
    ])
    expect(panel.all("room-item").map(el => el.dataset.docId)).toEqual([DOC])
    expect(panel.all("ephemeral-entry").map(el => `${el.dataset.namespace}/${el.dataset.key}`)).toEqual([
      `presence/${SELF}`,
      `presence/${BOB}`,
      `presence/${CAROL}`,
      `typing/${BOB}`,
    ])
    expect(valueJson(panel, "presence", BOB)).toBe(JSON.stringify({ name: "bob", cursor: { x: 5, y: 5 } }))
    expect(valueJson(panel, "typing", BOB)).toBe("true")
    expect(entryEl(panel, "presence", BOB).dataset.timestamp).toBe(String(T0 - 10))
    expect(panel.all("member-row").map(el => [el.dataset.peerId, el.dataset.present])).toEqual([
      [SELF, "true"],
      [BOB, "true"],
      [CAROL, "true"],
    ])
  })

  it("updates values live; a heartbeat re-stamp moves the timestamp without counting a change", () => {
    panel.push(
      batch(
        2,
        events(
          "r1",
          storeEvent("r1", DOC, "presence", "import", [entry(BOB, { name: "bob", cursor: { x: 6, y: 5 } }, T0 + 100)], T0 + 100),
        ),
      ),
    )
    expect(valueJson(panel, "presence", BOB)).toBe(JSON.stringify({ name: "bob", cursor: { x: 6, y: 5 } }))
    expect(entryEl(panel, "presence", BOB).dataset.changeCount).toBe("1")
    const row = entryEl(panel, "presence", BOB)

    panel.push(
      batch(
        3,
        events(
          "r1",
          storeEvent("r1", DOC, "presence", "local", [entry(BOB, { name: "bob", cursor: { x: 6, y: 5 } }, T0 + 10_000)], T0 + 10_000),
        ),
      ),
    )
    expect(entryEl(panel, "presence", BOB)).toBe(row)
    expect(row.dataset.timestamp).toBe(String(T0 + 10_000))
    expect(row.dataset.changeCount).toBe("1")
  })

  it("says so when a writer's timestamp is ahead of the panel's clock, instead of showing it as just now", () => {
    const ahead = Date.now() + 150_000
    panel.push(
      batch(
        2,
        events("r1", storeEvent("r1", DOC, "presence", "import", [entry(BOB, { name: "bob", cursor: { x: 7, y: 5 } }, ahead)], T0 + 100)),
      ),
    )
    const age = entryEl(panel, "presence", BOB).querySelector<HTMLElement>('[data-testid="age"]')!
    expect(age.dataset.ahead).toBe("true")
    expect(age.textContent).toBe("2 min ahead")
    expect(age.title).toContain("clock is ahead")
    const carol = entryEl(panel, "presence", CAROL).querySelector<HTMLElement>('[data-testid="age"]')!
    expect(carol.dataset.ahead).toBe("false")
    expect(carol.textContent).toMatch(/ ago$/)
  })

  it("shows tombstones and members that left", () => {
    panel.push(batch(2, events("r1", storeEvent("r1", DOC, "presence", "import", [tombstone(CAROL, T0 + 5)], T0 + 5))))
    const row = entryEl(panel, "presence", CAROL)
    expect(row.dataset.deleted).toBe("true")
    expect(row.querySelector('[data-testid="entry-value"]')!.hasAttribute("data-json")).toBe(false)
    expect(row.querySelector('[data-testid="tombstone"]')).not.toBeNull()
    expect(panel.one("member-row", `[data-peer-id="${CAROL}"]`).dataset.present).toBe("false")
  })

  it("selecting a peer highlights its entries in every namespace, and the rooms it is in", () => {
    panel.one("member-row", `[data-peer-id="${BOB}"]`).click()
    panel.settle()
    const highlighted = panel.all("ephemeral-entry", '[data-highlighted="true"]').map(el => `${el.dataset.namespace}/${el.dataset.key}`)
    expect(highlighted).toEqual([`presence/${BOB}`, `typing/${BOB}`])
    expect(panel.one("member-row", `[data-peer-id="${BOB}"]`).dataset.selected).toBe("true")
    expect(panel.one("room-item", `[data-doc-id="${DOC}"]`).dataset.hasPeer).toBe("true")

    // Clicking a key selects its owner.
    entryEl(panel, "presence", CAROL).querySelector<HTMLButtonElement>("button.key")!.click()
    panel.settle()
    expect(panel.all("ephemeral-entry", '[data-highlighted="true"]').map(el => el.dataset.key)).toEqual([CAROL])
    expect(panel.one("member-row", `[data-peer-id="${CAROL}"]`).dataset.selected).toBe("true")
  })

  it("keeps expanded nodes open while the value updates underneath", () => {
    const toggle = () => entryEl(panel, "presence", BOB).querySelector<HTMLButtonElement>("button.toggle")!
    toggle().click()
    panel.settle()
    const nested = [...entryEl(panel, "presence", BOB).querySelectorAll<HTMLButtonElement>("button.toggle")].find(button =>
      button.textContent?.includes("cursor"),
    )!
    nested.click()
    panel.settle()
    expect(entryEl(panel, "presence", BOB).querySelector(".children .children")?.textContent?.replace(/\s/g, "")).toContain("x:5")

    panel.push(
      batch(
        2,
        events("r1", storeEvent("r1", DOC, "presence", "import", [entry(BOB, { name: "bob", cursor: { x: 42, y: 5 } }, T0 + 1)], T0 + 1)),
      ),
    )
    const value = entryEl(panel, "presence", BOB)
    expect(value.querySelector(".children .children")?.textContent?.replace(/\s/g, "")).toContain("x:42")
    expect(toggle().getAttribute("aria-expanded")).toBe("true")
  })

  it("renders summaries distinctly, with a visible truncated marker", () => {
    panel.push(
      batch(
        2,
        events(
          "r1",
          storeEvent(
            "r1",
            DOC,
            "presence",
            "import",
            [
              entry(CAROL, { $ephemera: "bytes", type: "Uint8Array", length: 3, hex: "010203", truncated: false }, T0 + 1),
              entry("400", { $ephemera: "truncated-string", head: "abc", length: 1_000_000 }, T0 + 1),
            ],
            T0 + 1,
          ),
        ),
      ),
    )
    expect(entryEl(panel, "presence", CAROL).textContent).toContain("Uint8Array(3) 01 02 03")
    const long = entryEl(panel, "presence", "400")
    expect(long.textContent?.replace(/\s+/g, " ")).toContain('"abc…" (truncated, 1,000,000 chars)')
    expect(long.querySelector('[data-testid="truncated-marker"]')).not.toBeNull()
    expect(valueJson(panel, "presence", "400")).toBe(JSON.stringify({ $ephemera: "truncated-string", head: "abc", length: 1_000_000 }))
  })

  it("switches repos and rooms on click, and keeps the selection through updates", () => {
    panel.one("repo-item", '[data-repo-id="r2"]').click()
    panel.settle()
    expect(panel.all("room-item").map(el => el.dataset.docId)).toEqual(["room:other"])
    expect(panel.all("ephemeral-entry").map(el => el.dataset.key)).toEqual(["101"])
    panel.push(batch(2, events("r1", storeEvent("r1", DOC, "presence", "import", [entry(BOB, 1, T0 + 1)], T0 + 1))))
    expect(panel.one("repo-item", '[aria-selected="true"]').dataset.repoId).toBe("r2")
  })

  it("filters members and keys by the search box; / focuses it and Escape clears it", () => {
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "/" }))
    panel.settle()
    const search = panel.one("search-input") as HTMLInputElement
    expect(document.activeElement).toBe(search)
    search.value = "carol"
    search.dispatchEvent(new Event("input"))
    panel.settle()
    expect(panel.all("ephemeral-entry").map(el => el.dataset.key)).toEqual([CAROL])
    expect(panel.all("member-row").map(el => el.dataset.peerId)).toEqual([CAROL])
    search.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }))
    panel.settle()
    expect(search.value).toBe("")
    expect(panel.all("ephemeral-entry")).toHaveLength(4)
  })

  it("moves through lists with the arrow keys and opens the focused value with Enter", () => {
    const repoList = panel.root.querySelector<HTMLElement>('[aria-label="Repos"]')!
    repoList.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }))
    panel.settle()
    expect(panel.one("repo-item", '[aria-selected="true"]').dataset.repoId).toBe("r2")
    repoList.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true }))
    panel.settle()

    const maps = panel.root.querySelector<HTMLElement>('[aria-label="Ephemeral maps"]')!
    maps.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }))
    maps.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }))
    panel.settle()
    expect(entryEl(panel, "presence", BOB).getAttribute("aria-selected")).toBe("true")
    maps.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }))
    panel.settle()
    expect(entryEl(panel, "presence", BOB).querySelector("button.toggle")!.getAttribute("aria-expanded")).toBe("true")

    const members = panel.root.querySelector<HTMLElement>('[aria-label="Members"]')!
    members.dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }))
    panel.settle()
    expect(panel.one("member-row", '[data-selected="true"]').dataset.peerId).toBe(CAROL)
  })

  it("copies a value as JSON", async () => {
    const writeText = vi.fn(async (_text: string) => {})
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } })
    entryEl(panel, "presence", BOB).querySelector<HTMLButtonElement>('[data-testid="copy-button"]')!.click()
    await vi.waitFor(() => expect(writeText).toHaveBeenCalled())
    expect(JSON.parse(writeText.mock.calls[0]![0])).toEqual({ name: "bob", cursor: { x: 5, y: 5 } })
  })
})
