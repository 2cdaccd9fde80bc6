/**
 * Watches one EphemeralStore by wrapping what changes it, instead of
 * subscribing: loro builds a JavaScript event object for every subscriber
 * on every change, which costs more than the change itself (measured: a
 * subscriber more than doubles the cost of a `set`).
 *
 * Each call is reported with the bytes it already had or that cost least,
 * never by reading the store back and comparing (the panel's replica of the
 * store applies the call by the store's own rules: codec/event-tape/store-intake.ts):
 *   set(key) / delete(key)       "local"   encode(key): the entry as written
 *   touch() (the repo's stores)  "local"   encodeAll(): it re-stamps every key
 *   apply(bytes)                 "import"  the bytes as given
 *   inner.removeOutdated()       "expire"  the keys that disappeared
 */
import { wrapFunction, type WrappedFunction } from "../shared/function-wrap"
import { isObject, read, type AnyFunction, type EphemeralStoreLike } from "./repo-shape"

export type StoreOp = { op: "local" | "import"; bytes: Uint8Array } | { op: "expire"; removed: string[] }

/**
 * Wraps the store's mutators; `onChange` runs after each call that may have
 * changed it. Nothing of ours throws into the caller: failures go to `onError`.
 * Returns the restore.
 */
export function instrumentStore(
  store: EphemeralStoreLike,
  onChange: (change: StoreOp) => void,
  onError: (error: unknown) => void,
): () => void {
  const wrapped: WrappedFunction[] = []
  const wrapAfter = (
    target: object,
    method: string,
    after: (args: unknown[], result: unknown, before: unknown) => void,
    beforeCall?: () => unknown,
  ) => {
    const handle = wrapFunction(
      target,
      method,
      (original: AnyFunction) =>
        function instrumented(this: unknown, ...args: unknown[]) {
          let before: unknown
          try {
            before = beforeCall?.()
          } catch (error) {
            onError(error)
          }
          const result = original.apply(this, args)
          try {
            after(args, result, before)
          } catch (error) {
            onError(error)
          }
          return result
        },
    )
    if (typeof handle !== "string") wrapped.push(handle)
  }

  const local = (key: unknown) => onChange({ op: "local", bytes: store.encode(String(key)) })
  wrapAfter(store, "set", args => local(args[0]))
  wrapAfter(store, "delete", args => local(args[0]))
  wrapAfter(store, "apply", args => {
    if (args[0] instanceof Uint8Array) onChange({ op: "import", bytes: args[0] })
    else throw new TypeError("apply() was given something other than bytes")
  })
  if (typeof read(store, "touch") === "function") {
    wrapAfter(store, "touch", () => onChange({ op: "local", bytes: store.encodeAll() }))
  }
  const inner = read(store, "inner")
  if (isObject(inner) && typeof inner.removeOutdated === "function") {
    const keys = () => currentKeys(store)
    wrapAfter(
      inner,
      "removeOutdated",
      (_args, _result, before) => {
        const after = new Set(keys())
        const removed = Array.isArray(before) ? before.filter(key => !after.has(key)) : []
        if (removed.length > 0) onChange({ op: "expire", removed })
      },
      keys,
    )
  }
  return () => {
    for (const handle of wrapped) handle.restore()
    wrapped.length = 0
  }
}

function currentKeys(store: EphemeralStoreLike): string[] {
  const keys = read(store, "keys")
  if (typeof keys !== "function") return []
  const list: unknown = keys.call(store)
  return Array.isArray(list) ? list.map(String) : []
}
