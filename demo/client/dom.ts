/** Looks up an element the page markup guarantees; a missing one is a bug in index.html. */
export function requireElement<T extends HTMLElement = HTMLElement>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector)
  if (!element) throw new Error(`demo page is missing ${selector}`)
  return element
}
