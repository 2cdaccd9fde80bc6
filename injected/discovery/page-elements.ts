/**
 * The page's elements, breadth first from <html> and bounded: framework
 * roots (React's containers, Vue's mount points) sit near the top of the
 * document, so a scan never needs to visit a whole large page.
 */

/** Elements visited per scan, at most. */
export const MAX_ELEMENTS = 5_000

export function documentOf(root: object): Document | undefined {
  try {
    const document = (root as { document?: unknown }).document
    return typeof document === "object" && document !== null && "documentElement" in document ? (document as Document) : undefined
  } catch {
    return undefined
  }
}

export function* elementsBreadthFirst(document: Document, max = MAX_ELEMENTS): Generator<Element> {
  const start = document.documentElement
  if (!start) return
  const queue: Element[] = [start]
  let visited = 0
  for (let index = 0; index < queue.length && visited < max; index++) {
    const element = queue[index]!
    visited++
    yield element
    const children = element.children
    for (let child = 0; child < children.length && queue.length < max; child++) queue.push(children[child]!)
  }
}

/** The element's own expando property (`__reactContainer$abc`, `__vue_app__`) whose name starts with `prefix`. */
export function expando(element: Element, prefix: string): unknown {
  let names: string[]
  try {
    names = Object.keys(element)
  } catch {
    return undefined
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const descriptor = Object.getOwnPropertyDescriptor(element, name)
    return descriptor && "value" in descriptor ? descriptor.value : undefined
  }
  return undefined
}
