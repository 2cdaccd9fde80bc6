import { renderKeyed } from "./keyed-children"
import type { CursorView } from "./room-snapshot"

/** Remote cursors live in a layer at the document origin, so page coordinates apply as is. */
export function renderCursors(layer: HTMLElement, cursors: readonly CursorView[]): void {
  renderKeyed(layer, cursors, cursor => cursor.peerId, createCursor, updateCursor)
}

function createCursor(): HTMLElement {
  const cursor = document.createElement("div")
  cursor.className = "remote-cursor"
  cursor.dataset.testid = "remote-cursor"
  cursor.innerHTML = `<span class="cursor-label"></span>`
  return cursor
}

function updateCursor(cursor: HTMLElement, view: CursorView): void {
  cursor.dataset.peerId = view.peerId
  cursor.dataset.name = view.name
  cursor.style.left = `${view.x}px`
  cursor.style.top = `${view.y}px`
  cursor.style.setProperty("--peer-color", view.color)
  const label = cursor.querySelector(".cursor-label")
  if (label && label.textContent !== view.name) label.textContent = view.name
}
