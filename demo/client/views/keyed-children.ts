/**
 * Makes `container`'s children match `items` by key, reusing elements so CSS
 * transitions (a cursor gliding to its next spot) survive re-renders.
 */
export function renderKeyed<T>(
  container: HTMLElement,
  items: readonly T[],
  keyOf: (item: T) => string,
  create: (item: T) => HTMLElement,
  update: (element: HTMLElement, item: T) => void,
): void {
  const existing = new Map<string, HTMLElement>()
  for (const child of Array.from(container.children)) {
    if (child instanceof HTMLElement && child.dataset.key !== undefined) existing.set(child.dataset.key, child)
  }

  let previous: Element | null = null
  for (const item of items) {
    const key = keyOf(item)
    let element = existing.get(key)
    if (element) {
      existing.delete(key)
    } else {
      element = create(item)
      element.dataset.key = key
    }
    update(element, item)
    const expectedNext: Element | null = previous ? previous.nextElementSibling : container.firstElementChild
    if (expectedNext !== element) container.insertBefore(element, expectedNext)
    previous = element
  }
  for (const stale of existing.values()) stale.remove()
}
