/**
 * The errors the extension's own pages reported (background, devtools page,
 * panel: extension/test-seams/error-report.ts), read from the collecting
 * page each session keeps open, so a scenario fails on any of them in
 * Firefox as in Chromium. Firefox's driver would not show them otherwise.
 */
import type { ExtensionError } from "../../../extension/test-seams/error-report"
import { PANEL_PATH } from "./paths"
import type { Evaluator } from "./session"

export type { ExtensionError }

/** The panel page as the collecting page: no tab to inspect, every report heard. */
export const COLLECTOR_PATH = `${PANEL_PATH}?collectErrors`

/** Takes what the collecting page holds, leaving it empty. */
export async function takeCollectedErrors(collector: Evaluator): Promise<ExtensionError[]> {
  const errors = await collector.evaluate(
    () => (globalThis as { __ephemeraExtensionErrors?: ExtensionError[] }).__ephemeraExtensionErrors?.splice(0) ?? null,
  )
  if (!errors) {
    throw new Error("the extension collects no errors: the e2e tests need the test build (npm run build:test)")
  }
  return errors
}

/** Throws, naming each one, when the extension's pages reported errors since the last look. */
export async function failOnExtensionErrors(session: { takeExtensionErrors(): Promise<ExtensionError[]> }): Promise<void> {
  const errors = await session.takeExtensionErrors()
  if (errors.length === 0) return
  const list = errors.map(error => `- ${error.context} (${error.url}): ${error.message}`).join("\n")
  throw new Error(`the extension's pages reported ${errors.length} error(s):\n${list}`)
}
