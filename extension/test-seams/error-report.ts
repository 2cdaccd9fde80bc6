/**
 * Test builds only: the extension's own pages (background, devtools page,
 * panel) report their errors to the end-to-end tests through the extension
 * itself. Firefox's driver never sees console messages of extension pages,
 * nor runs preload scripts there, so the tests could not tell a panel that
 * throws from one that works; a runtime message reaches every other page of
 * the extension, among them the collecting page the tests keep open.
 */

/** Which of the extension's pages an error came from. */
export type ErrorContext = "background" | "devtools page" | "panel"

export interface ExtensionError {
  context: ErrorContext
  url: string
  message: string
}

/** The key a report travels under (a test seam name, so the shipped-build check finds it). */
const REPORT_KEY = "__ephemeraTestError"

/**
 * The extension API as the browser gives it (both return promises in MV3),
 * not through webextension-polyfill: this module, which the shipped builds
 * leave out, must not own the polyfill's shared chunk there.
 */
function runtime(): typeof chrome.runtime {
  return (globalThis as unknown as { browser?: typeof chrome }).browser?.runtime ?? chrome.runtime
}

/** The collecting page's list, where the tests read it. */
const collected = globalThis as { __ephemeraExtensionErrors?: ExtensionError[] }

/** Sends this page's uncaught errors, unhandled rejections and console.error calls to the collecting page. */
export function reportErrorsForTests(context: ErrorContext): void {
  const report = (message: string) => {
    const error: ExtensionError = { context, url: String(globalThis.location?.href ?? ""), message }
    // The collecting page hears no message of its own: it keeps its errors itself.
    collected.__ephemeraExtensionErrors?.push(error)
    // With no collecting page open nobody receives it, which is no error of ours.
    runtime()
      .sendMessage({ [REPORT_KEY]: error })
      .catch(() => {})
  }
  globalThis.addEventListener("error", event => report(describe(event.error ?? event.message)))
  globalThis.addEventListener("unhandledrejection", event => report(`unhandled rejection: ${describe(event.reason)}`))
  const consoleError = console.error.bind(console)
  console.error = (...args: unknown[]) => {
    report(`console.error: ${args.map(describe).join(" ")}`)
    consoleError(...args)
  }
}

/** Makes this page the one that keeps every report, in `__ephemeraExtensionErrors`. */
export function collectErrorsForTests(): void {
  collected.__ephemeraExtensionErrors = []
  runtime().onMessage.addListener((message: unknown) => {
    const error = (message as { [REPORT_KEY]?: ExtensionError } | null)?.[REPORT_KEY]
    if (error) collected.__ephemeraExtensionErrors?.push(error)
    // No answer: the sender does not wait for one.
    return undefined
  })
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ? `${value.message}\n${value.stack}` : value.message
  if (typeof value === "string") return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
