/**
 * Watches one EphemeralStore by wrapping what changes it, instead of
 * subscribing: loro builds a JavaScript event object for every subscriber
 * on every change, which costs more than the change itself (measured: a
 * subscriber more than doubles the cost of a `set`).
 *
 * What changes a store, and how each is read back right after the call:
 *   set(key) / delete(key)       "local"   encode(key)
 *   apply(bytes)                 "import"  encode(key) for each key in bytes
 *   touch() (the repo's stores)  "local"   encodeAll(): it re-stamps every key
 *   inner.removeOutdated()       "timeout" the keys that disappeared
 * Calls that changed nothing report nothing (see ReportedEntries).
 */
import { decodeEphemeralKeys } from "../../../codec/loro-ephemeral/ephemeral-codec"
import { wrapFunction, type WrappedFunction } from "./function-wrap"
import { isObject, read, type AnyFunction, type EphemeralStoreLike } from "./repo-shape"
import { readKeys, type StoreReading } from "./store-entries"

export type StoreChangeBy = "local" | "import" | "timeout"

export type StoreChange = { by: "local" | "import"; reading: StoreReading } | { by: "timeout"; removed: string[] }

/**
 * Wraps the store's mutators; `onChange` runs after each call that may have
 * changed it. Nothing of ours throws into the caller: failures go to `onError`.
 * Returns the restore.
 */
export function instrumentStore(
  store: EphemeralStoreLike,
  onChange: (change: StoreChange) => void,
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

  const local = (key: unknown) => onChange({ by: "local", reading: readKeys(store, [String(key)]) })
  wrapAfter(store, "set", args => local(args[0]))
  wrapAfter(store, "delete", args => local(args[0]))
  wrapAfter(store, "apply", args => onChange({ by: "import", reading: readKeys(store, keysIn(args[0])) }))
  if (typeof read(store, "touch") === "function") {
    wrapAfter(store, "touch", () => onChange({ by: "local", reading: readKeys(store, "all") }))
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
        if (removed.length > 0) onChange({ by: "timeout", removed })
      },
      keys,
    )
  }
  return () => {
    for (const handle of wrapped) handle.restore()
    wrapped.length = 0
  }
}

/** The keys an apply() touches: the entries its bytes carry ("all" when they do not decode). */
function keysIn(bytes: unknown): string[] | "all" {
  try {
    return decodeEphemeralKeys(bytes as Uint8Array)
  } catch {
    return "all"
  }
}

function currentKeys(store: EphemeralStoreLike): string[] {
  const keys = read(store, "keys")
  if (typeof keys !== "function") return []
  const list: unknown = keys.call(store)
  return Array.isArray(list) ? list.map(String) : []
}
