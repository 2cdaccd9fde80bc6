/**
 * Reading live page objects the hook never bundled the classes of: every
 * property is read as `unknown`, without letting a throwing getter escape.
 */

export type Found<T> = { ok: true; value: T } | { ok: false; reason: string }

export function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === "object" && value !== null) || typeof value === "function"
}

/** Reads a property without letting a throwing getter escape. */
export function read(target: unknown, key: string): unknown {
  if (!isObject(target)) return undefined
  try {
    return target[key]
  } catch {
    return undefined
  }
}

/** A message's `type`, or "(unknown)". */
export function messageType(message: unknown): string {
  const type = read(message, "type")
  return typeof type === "string" ? type : "(unknown)"
}
