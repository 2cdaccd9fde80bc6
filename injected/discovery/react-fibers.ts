/**
 * Repos held in React component state, found without a register line: from
 * each root container (createRoot marks it with `__reactContainer$<random>`,
 * legacy render with `_reactRootContainer`) a bounded walk over the current
 * fiber tree looks at each component's hooks (useState, useRef, useMemo
 * values), a class component's state and own fields, and the props a
 * component or context provider receives. These are React's internal field
 * names, stable from React 16 to 19; anything else found there is ignored.
 */
import { elementsBreadthFirst, expando } from "./page-elements"
import { dataProperties, isObjectLike, MAX_NAMES_PER_OBJECT, type RepoCollector } from "./repo-candidates"

/** Fibers visited per root: a large app has thousands; a repo lives near the top. */
export const MAX_FIBERS = 20_000
/** Hooks looked at per component. */
const MAX_HOOKS = 200

/** React's fiber tags that matter here (ReactWorkTags). */
const CLASS_COMPONENT = 1
const HOST_ROOT = 3
const HOST_COMPONENT = 5
const HOST_TEXT = 6

interface Fiber {
  tag?: unknown
  type?: unknown
  child?: Fiber | null
  sibling?: Fiber | null
  stateNode?: unknown
  memoizedState?: unknown
  memoizedProps?: unknown
}

export function collectReactRepos(document: Document, into: RepoCollector): void {
  for (const root of reactRoots(document)) walkFibers(root, into)
}

/** The current HostRoot fiber of every React root in the document. */
export function reactRoots(document: Document): Fiber[] {
  const roots = new Set<Fiber>()
  for (const element of elementsBreadthFirst(document)) {
    const container = expando(element, "__reactContainer$")
    const legacy = expando(element, "_reactRootContainer") as { _internalRoot?: unknown } | undefined
    const fiber = isObjectLike(container) ? currentOf(container as Fiber) : undefined
    const legacyFiber = isObjectLike(legacy) ? currentOfRoot(legacy._internalRoot ?? legacy) : undefined
    for (const found of [fiber, legacyFiber]) if (found) roots.add(found)
  }
  return [...roots]
}

/** A container holds the HostRoot fiber it was created with; the tree on screen may be its alternate. */
function currentOf(fiber: Fiber): Fiber | undefined {
  if (fiber.tag !== HOST_ROOT) return undefined
  return currentOfRoot(fiber.stateNode) ?? fiber
}

function currentOfRoot(fiberRoot: unknown): Fiber | undefined {
  const current = isObjectLike(fiberRoot) ? (fiberRoot as { current?: unknown }).current : undefined
  return isObjectLike(current) ? (current as Fiber) : undefined
}

function walkFibers(root: Fiber, into: RepoCollector): void {
  const stack: Fiber[] = [root]
  let visited = 0
  while (stack.length > 0 && visited < MAX_FIBERS) {
    const fiber = stack.pop()!
    visited++
    try {
      lookAtFiber(fiber, into)
    } catch {
      // A fiber shaped unlike React's: skip it, keep walking.
    }
    if (isObjectLike(fiber.sibling)) stack.push(fiber.sibling)
    if (isObjectLike(fiber.child)) stack.push(fiber.child)
  }
}

function lookAtFiber(fiber: Fiber, into: RepoCollector): void {
  if (fiber.tag === HOST_ROOT || fiber.tag === HOST_COMPONENT || fiber.tag === HOST_TEXT) return
  const name = `React <${componentName(fiber.type)}>`
  if (fiber.tag === CLASS_COMPONENT) {
    into.look(fiber.memoizedState, `${name} state`)
    if (isObjectLike(fiber.stateNode)) {
      for (const [field, value] of dataProperties(fiber.stateNode, MAX_NAMES_PER_OBJECT)) into.look(value, `${name} this.${field}`)
    }
  } else if (isHookList(fiber.memoizedState)) {
    let hook: unknown = fiber.memoizedState
    for (let index = 0; isHookList(hook) && index < MAX_HOOKS; index++) {
      into.look(hook.memoizedState, `${name} hook ${index}`)
      hook = hook.next
    }
  }
  if (isObjectLike(fiber.memoizedProps)) {
    for (const [prop, value] of dataProperties(fiber.memoizedProps, MAX_NAMES_PER_OBJECT)) {
      if (prop !== "children") into.look(value, `${name} props.${prop}`)
    }
  }
}

/** A function component's memoizedState is the first of a linked list of hooks. */
function isHookList(value: unknown): value is { memoizedState: unknown; next: unknown } {
  return isObjectLike(value) && "next" in value && "baseQueue" in value && "memoizedState" in value
}

function componentName(type: unknown): string {
  try {
    if (typeof type === "function") return nameOf(type) ?? "Anonymous"
    if (isObjectLike(type)) {
      const described = type as { displayName?: unknown; render?: unknown; type?: unknown; Provider?: unknown; _context?: unknown }
      if (typeof described.displayName === "string") return described.displayName
      if (typeof described.render === "function") return nameOf(described.render) ?? "ForwardRef"
      if (typeof described.type === "function") return nameOf(described.type) ?? "Memo"
      if ("Provider" in described || "_context" in described) return "Context"
    }
  } catch {
    // Fall through: a name is only a label.
  }
  return "Anonymous"
}

function nameOf(fn: object): string | undefined {
  const { displayName, name } = fn as { displayName?: unknown; name?: unknown }
  if (typeof displayName === "string" && displayName !== "") return displayName
  return typeof name === "string" && name !== "" ? name : undefined
}
