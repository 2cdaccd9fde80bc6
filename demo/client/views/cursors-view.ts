import { renderKeyed } from "./keyed-children"
import type { CursorView } from "./room-snapshot"

/**
 * Remote cursors live in a layer at the document origin, so page coordinates
 * apply as is. A cursor moves by `transform`, which the compositor animates
 * without laying the page out: fifty peers moving at 30 Hz would otherwise
 * mean a layout of the whole page every frame. Its point is also kept in
 * `data-x`/`data-y`, the values as received (tests and tools read those).
 */
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

/** Writes only what changed: a re-render of fifty cursors where one moved touches one. */
function updateCursor(cursor: HTMLElement, view: CursorView): void {
  const x = String(view.x)
  const y = String(view.y)
  if (cursor.dataset.x !== x || cursor.dataset.y !== y) {
    cursor.dataset.x = x
    cursor.dataset.y = y
    cursor.style.transform = `translate(${x}px, ${y}px)`
  }
  if (cursor.dataset.peerId !== view.peerId) cursor.dataset.peerId = view.peerId
  if (cursor.dataset.color !== view.color) {
    cursor.dataset.color = view.color
    cursor.style.setProperty("--peer-color", view.color)
  }
  if (cursor.dataset.name !== view.name) {
    cursor.dataset.name = view.name
    const label = cursor.querySelector(".cursor-label")
    if (label) label.textContent = view.name
  }
}
