/**
 * Wraps a method of a live object so that several tools can wrap the same
 * method (the devtools hook taps `adapters.send` too) and each can leave in
 * any order without breaking the others.
 *
 * Disposing restores the exact property that was there (own descriptor, or
 * no own property when the method was inherited) if our wrapper is still the
 * outermost one. If someone wrapped over us since, restoring would throw
 * their wrapper away, so ours stays in place as a pass-through, and removes
 * itself the first time it is called after becoming outermost again.
 */

type Method = (this: unknown, ...args: never[]) => unknown

export interface MethodWrap {
  /** True until dispose(). */
  readonly active: boolean
  /** Idempotent. */
  dispose(): void
}

export function wrapMethod<T extends object, K extends keyof T & string>(
  target: T,
  key: K,
  makeWrapper: (original: T[K]) => T[K],
): MethodWrap {
  const own = Object.getOwnPropertyDescriptor(target, key)
  const original = target[key]
  if (typeof original !== "function") throw new TypeError(`${key} is not a function`)
  if (own && !("value" in own)) throw new TypeError(`${key} is an accessor`)

  const wrapped = makeWrapper(original) as Method
  const passThrough = original as Method
  let active = true

  const restoreIfOutermost = () => {
    if (Reflect.get(target, key) !== wrapper) return
    if (own) Object.defineProperty(target, key, own)
    else Reflect.deleteProperty(target, key)
  }

  function wrapper(this: unknown, ...args: never[]): unknown {
    if (active) return wrapped.apply(this, args)
    restoreIfOutermost()
    return passThrough.apply(this, args)
  }

  Object.defineProperty(target, key, {
    value: wrapper,
    writable: true,
    configurable: true,
    enumerable: own?.enumerable ?? false,
  })

  return {
    get active() {
      return active
    },
    dispose() {
      if (!active) return
      active = false
      restoreIfOutermost()
    },
  }
}
