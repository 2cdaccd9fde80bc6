/**
 * Firefox's privileged (chrome) scope, reached over the same WebDriver BiDi
 * connection puppeteer drives: the browser window's own document, where
 * Firefox's modules are at hand (the extension's background, the DevTools
 * toolbox). Needs the `--remote-allow-system-access` flag the session sets.
 * For what no web API offers; scenarios never use it to check the product.
 */
import type { Browser } from "puppeteer-core"

interface BidiConnection {
  send(method: string, params: unknown): Promise<{ result: unknown }>
}

interface EvaluateResult {
  type: "success" | "exception"
  result?: { type: string; value?: unknown }
  exceptionDetails?: { text?: string }
}

export interface ChromeScope {
  /** Evaluates an expression (awaited when it is a promise) in the browser window; returns its string or number. */
  evaluate(expression: string): Promise<unknown>
}

export function chromeScope(browser: Browser): ChromeScope {
  // puppeteer's BiDi connection: internal, but the only way to send Firefox's "moz:" parameters.
  const connection = (browser as unknown as { connection: BidiConnection }).connection
  let windowContext: Promise<string> | undefined
  const browserWindow = async (): Promise<string> => {
    const { result } = await connection.send("browsingContext.getTree", { "moz:scope": "chrome" })
    const contexts = (result as { contexts: Array<{ context: string; url: string }> }).contexts
    const found = contexts.find(context => context.url === "chrome://browser/content/browser.xhtml")
    if (!found) throw new Error(`no browser window among Firefox's chrome contexts: ${contexts.map(c => c.url).join(", ")}`)
    return found.context
  }
  return {
    async evaluate(expression) {
      windowContext ??= browserWindow()
      const { result } = await connection.send("script.evaluate", {
        expression,
        target: { context: await windowContext },
        awaitPromise: true,
        resultOwnership: "none",
      })
      const answer = result as EvaluateResult
      if (answer.type === "exception") throw new Error(`chrome-scope evaluation threw: ${answer.exceptionDetails?.text ?? "unknown error"}`)
      return answer.result?.value
    },
  }
}
