/** Arrow-key movement in the panel's lists (repos, rooms, members, entries). */

/** The id the key moves to, or undefined when the key is not a list key. */
export function moveInList(key: string, ids: readonly string[], current: string | undefined): string | undefined {
  if (ids.length === 0) return undefined
  const index = current === undefined ? -1 : ids.indexOf(current)
  switch (key) {
    case "ArrowDown":
      return ids[Math.min(ids.length - 1, index + 1)]
    case "ArrowUp":
      return ids[index <= 0 ? 0 : index - 1]
    case "Home":
      return ids[0]
    case "End":
      return ids[ids.length - 1]
    default:
      return undefined
  }
}

/** Moves focus to the list item carrying `data-list-id="id"` inside `container`. */
export function focusListItem(container: HTMLElement | undefined, id: string): void {
  for (const element of container?.querySelectorAll<HTMLElement>("[data-list-id]") ?? []) {
    if (element.dataset.listId === id) {
      element.focus()
      element.scrollIntoView?.({ block: "nearest" })
      return
    }
  }
}
