// @vitest-environment jsdom
import { describe, expect, it } from "vitest"
import { renderCursors } from "../../demo/client/views/cursors-view"
import type { CursorView } from "../../demo/client/views/room-snapshot"

const alice: CursorView = { peerId: "1", name: "alice", color: "#e11", x: 10, y: 20 }
const bob: CursorView = { peerId: "2", name: "bob", color: "#11e", x: 30, y: 40 }

function cursorOf(layer: HTMLElement, peerId: string): HTMLElement {
  const cursor = layer.querySelector<HTMLElement>(`[data-peer-id="${peerId}"]`)
  if (!cursor) throw new Error(`no cursor for ${peerId}`)
  return cursor
}

/** Attribute and text writes `render` makes to `layer`'s subtree. */
async function mutationsDuring(layer: HTMLElement, render: () => void): Promise<MutationRecord[]> {
  const seen: MutationRecord[] = []
  const observer = new MutationObserver(records => seen.push(...records))
  observer.observe(layer, { subtree: true, attributes: true, childList: true, characterData: true })
  render()
  seen.push(...observer.takeRecords())
  observer.disconnect()
  return seen
}

describe("remote cursors", () => {
  it("places each cursor by transform and keeps the received point in data-x/data-y", () => {
    const layer = document.createElement("div")
    renderCursors(layer, [alice, bob])
    const cursor = cursorOf(layer, "2")
    expect(cursor.style.transform).toBe("translate(30px, 40px)")
    expect([cursor.dataset.x, cursor.dataset.y, cursor.dataset.name]).toEqual(["30", "40", "bob"])
    expect(cursor.style.left).toBe("")
    expect(cursor.querySelector(".cursor-label")?.textContent).toBe("bob")
  })

  it("writes nothing for cursors that did not change, and only the point for one that moved", async () => {
    const layer = document.createElement("div")
    renderCursors(layer, [alice, bob])
    expect(await mutationsDuring(layer, () => renderCursors(layer, [alice, bob]))).toEqual([])

    const moved = await mutationsDuring(layer, () => renderCursors(layer, [alice, { ...bob, x: 31 }]))
    expect(new Set(moved.map(record => (record.target as HTMLElement).dataset.peerId))).toEqual(new Set(["2"]))
    expect(new Set(moved.map(record => record.attributeName))).toEqual(new Set(["data-x", "data-y", "style"]))
    expect(cursorOf(layer, "2").style.transform).toBe("translate(31px, 40px)")
  })

  it("renames and recolours a cursor in place", () => {
    const layer = document.createElement("div")
    renderCursors(layer, [alice])
    const before = cursorOf(layer, "1")
    renderCursors(layer, [{ ...alice, name: "alicia", color: "#0a0" }])
    const after = cursorOf(layer, "1")
    expect(after).toBe(before)
    expect(after.querySelector(".cursor-label")?.textContent).toBe("alicia")
    expect(after.style.getPropertyValue("--peer-color")).toBe("#0a0")
  })
})
