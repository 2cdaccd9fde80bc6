export function renderNotes(list: HTMLElement, empty: HTMLElement, notes: readonly string[]): void {
  empty.hidden = notes.length > 0
  // Notes only ever get appended, so existing items are kept and new ones added.
  while (list.children.length > notes.length) list.lastElementChild?.remove()
  notes.forEach((text, index) => {
    let item = list.children[index] as HTMLElement | undefined
    if (!item) {
      item = document.createElement("li")
      item.className = "note"
      item.dataset.testid = "note"
      list.append(item)
    }
    if (item.textContent !== text) item.textContent = text
  })
}
