/**
 * The one import an app adds to show its Repo in Ephemera DevTools:
 *
 *   import { connect } from "ephemera-devtools/connect"
 *   const disconnect = connect(repo, { label: "editor" })
 *
 * Without the extension (no global hook) it does nothing and costs nothing.
 * It depends on no other part of the hook, so the app bundles only this file
 * (and the protocol's constant).
 */
import { HOOK_GLOBAL } from "../protocol/messages"

export interface ConnectOptions {
  /** Shown in the panel's repo list. */
  label?: string
  /** Overrides detection of the @loro-extended/repo version ("5.x" / "6.x"). */
  libraryVersion?: string
}

type Register = (repo: unknown, options?: ConnectOptions) => unknown

const noop = () => {}

/** Registers `repo` with the DevTools hook if one is installed; returns the unregister. */
export function connect(repo: unknown, options?: ConnectOptions): () => void {
  try {
    const hook = (globalThis as unknown as Record<string, unknown>)[HOOK_GLOBAL]
    const register = typeof hook === "object" && hook !== null ? (hook as { register?: unknown }).register : undefined
    if (typeof register !== "function") return noop
    const unregister = (register as Register).call(hook, repo, options)
    if (typeof unregister !== "function") return noop
    return () => {
      try {
        unregister()
      } catch {
        // Disconnecting never throws into the app.
      }
    }
  } catch {
    return noop
  }
}
