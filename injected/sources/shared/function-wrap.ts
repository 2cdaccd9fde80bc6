/**
 * Replaces a function property by a wrapper and puts back exactly what was
 * there: the original own property descriptor, or no own property at all
 * when the function was inherited (a prototype method), so that afterwards
 * `target[key] === original` again.
 */
/** Any function, called with whatever `this` the caller gives it. */
export type AnyFunction = (this: unknown, ...args: unknown[]) => unknown

export interface WrappedFunction {
  readonly original: AnyFunction
  readonly wrapper: AnyFunction
  /** False when someone wrapped over us since: their wrapper stays, ours turns into a pass-through. */
  restore(): boolean
}

/** Returns the handle, or why the property cannot be wrapped. */
export function wrapFunction(target: object, key: string, makeWrapper: (original: AnyFunction) => AnyFunction): WrappedFunction | string {
  const own = Object.getOwnPropertyDescriptor(target, key)
  const original: unknown = Reflect.get(target, key)
  if (typeof original !== "function") return `${key} is not a function`
  if (own && !("value" in own)) return `${key} is an accessor`
  if (own && !own.writable && !own.configurable) return `${key} is read-only`
  if (!own && !Object.isExtensible(target)) return `cannot add ${key}: object is not extensible`

  const wrapper = makeWrapper(original as AnyFunction)
  if (own?.writable) {
    Reflect.set(target, key, wrapper)
  } else {
    Object.defineProperty(target, key, {
      value: wrapper,
      writable: own?.writable ?? true,
      configurable: true,
      enumerable: own?.enumerable ?? false,
    })
  }
  if (Reflect.get(target, key) !== wrapper) return `assigning ${key} did not take effect`

  return {
    original: original as AnyFunction,
    wrapper,
    restore() {
      if (Reflect.get(target, key) !== wrapper) return false
      if (own) Object.defineProperty(target, key, own)
      else Reflect.deleteProperty(target, key)
      return Reflect.get(target, key) === original
    },
  }
}
