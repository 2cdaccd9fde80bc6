/**
 * Repos held by Vue 3 apps, found without a register line: `app.mount(el)`
 * leaves the app on its container as `__vue_app__`. From the app: what it
 * provides (`app.provide("repo", repo)`) and its global properties; then a
 * bounded walk over the component tree (the container's `_vnode`, which
 * production builds keep too) looks at each component's setup state, data
 * and own provides. Vue wraps values in refs and reactive proxies: a ref is
 * read through its raw value, and a reactive object through its target's own
 * property descriptors, so no reactive getter runs.
 */
import { elementsBreadthFirst, expando } from "./page-elements"
import { dataProperties, isObjectLike, MAX_NAMES_PER_OBJECT, type RepoCollector } from "./repo-candidates"

/** Components and vnodes visited per app. */
export const MAX_VUE_NODES = 20_000

interface VueApp {
  _context?: { provides?: unknown; config?: { globalProperties?: unknown } }
  config?: { globalProperties?: unknown }
  _container?: unknown
}

interface VueInstance {
  type?: unknown
  setupState?: unknown
  data?: unknown
  provides?: unknown
  subTree?: unknown
}

interface VNode {
  component?: unknown
  children?: unknown
  suspense?: { activeBranch?: unknown } | null
}

export function collectVueRepos(document: Document, into: RepoCollector): void {
  for (const element of elementsBreadthFirst(document)) {
    const app = expando(element, "__vue_app__")
    if (!isObjectLike(app)) continue
    try {
      lookAtApp(app as VueApp, element, into)
    } catch {
      // An app shaped unlike Vue 3's: nothing to find there.
    }
  }
}

function lookAtApp(app: VueApp, container: Element, into: RepoCollector): void {
  lookAtFields(app._context?.provides, "Vue app provides", into)
  lookAtFields(app.config?.globalProperties, "Vue app globalProperties", into)
  const root = (container as unknown as { _vnode?: unknown })._vnode
  walkVNodes(root, into)
}

function walkVNodes(root: unknown, into: RepoCollector): void {
  const stack: unknown[] = [root]
  let visited = 0
  while (stack.length > 0 && visited < MAX_VUE_NODES) {
    const node = stack.pop()
    if (!isObjectLike(node)) continue
    visited++
    const vnode = node as VNode
    if (isObjectLike(vnode.component)) {
      const instance = vnode.component as VueInstance
      lookAtInstance(instance, into)
      stack.push(instance.subTree)
    }
    if (Array.isArray(vnode.children)) for (const child of vnode.children) stack.push(child)
    if (isObjectLike(vnode.suspense)) stack.push(vnode.suspense.activeBranch)
  }
}

function lookAtInstance(instance: VueInstance, into: RepoCollector): void {
  const name = `Vue <${componentName(instance.type)}>`
  lookAtFields(instance.setupState, `${name} setup`, into)
  lookAtFields(instance.data, `${name} data`, into)
  lookAtFields(instance.provides, `${name} provides`, into)
}

/** Each own field of a Vue state object, refs read through their raw value. */
function lookAtFields(target: unknown, path: string, into: RepoCollector): void {
  if (!isObjectLike(target)) return
  for (const [name, value] of dataProperties(target, MAX_NAMES_PER_OBJECT)) into.look(value, `${path}.${name}`, unref)
}

/** `ref(x)` and `shallowRef(x)` keep x as `_rawValue`, a plain field of the ref. */
function unref(value: object): object {
  try {
    const isRef = Object.getOwnPropertyDescriptor(value, "__v_isRef")
    if (isRef?.value !== true) return value
    const raw = Object.getOwnPropertyDescriptor(value, "_rawValue")
    return raw && isObjectLike(raw.value) ? raw.value : value
  } catch {
    return value
  }
}

function componentName(type: unknown): string {
  if (!isObjectLike(type)) return "Anonymous"
  const { name, __name } = type as { name?: unknown; __name?: unknown }
  if (typeof name === "string" && name !== "") return name
  return typeof __name === "string" && __name !== "" ? __name : "Anonymous"
}
