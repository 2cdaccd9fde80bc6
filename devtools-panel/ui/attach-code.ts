/**
 * What an attach sends to the page, for the attach box and for reattaching
 * after a reload: code to evaluate inside DevTools, or a dotted path the hook
 * resolves outside it.
 */
import { HOOK_GLOBAL } from "../../protocol/messages"

/** Evaluates code in the inspected page: the result, or why it failed. */
export type InspectedEval = (code: string) => Promise<{ value?: unknown; error?: string }>

/** Identifiers and array indexes from window: "repo", "app.repo", "demo.peers.1.repo". */
const DOTTED_PATH = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/

export function registerCode(expression: string): string {
  return `globalThis.${HOOK_GLOBAL}?.register(${expression}, {label: ${JSON.stringify(expression)}}) && true`
}

/** The path the hook can resolve for `expression` ("window.app.repo" -> "app.repo"), or undefined. */
export function dottedPathOf(expression: string): string | undefined {
  const path = expression.trim().replace(/^(window|globalThis)\./, "")
  return DOTTED_PATH.test(path) ? path : undefined
}
