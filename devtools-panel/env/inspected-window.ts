/**
 * What the panel learns from DevTools when it runs inside it, and nothing
 * when it runs as a plain extension page (tests, detached windows).
 */
import type { Devtools } from "webextension-polyfill"
import type { InspectedEval } from "../ui/attach-code"

type DevtoolsApi = Devtools.Static | undefined

/** `?tabId=N` wins, so a detached window or a test can point the panel at any tab. */
export function inspectedTabId(search: string, devtools: DevtoolsApi): number | undefined {
  const param = new URLSearchParams(search).get("tabId")
  if (param !== null) {
    const tabId = Number(param)
    return Number.isSafeInteger(tabId) && tabId >= 0 ? tabId : undefined
  }
  const fromDevtools = devtools?.inspectedWindow?.tabId
  return typeof fromDevtools === "number" ? fromDevtools : undefined
}

/** Evaluation in the inspected page, when DevTools offers it. */
export function inspectedEval(devtools: DevtoolsApi): InspectedEval | undefined {
  const inspectedWindow = devtools?.inspectedWindow
  if (typeof inspectedWindow?.eval !== "function") return undefined
  return async code => {
    try {
      // Called on its object: native extension APIs may need their `this`.
      // Firefox and the polyfill resolve to [result, exceptionInfo].
      const answer: unknown = await inspectedWindow.eval(code)
      const [value, info] = Array.isArray(answer) ? answer : [answer, undefined]
      const failure = info as { isException?: boolean; isError?: boolean; value?: unknown; description?: string; code?: string } | undefined
      if (failure?.isException) return { error: String(failure.value ?? "The expression threw") }
      if (failure?.isError) return { error: failure.description ?? failure.code ?? "DevTools could not evaluate the expression" }
      return { value }
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) }
    }
  }
}
