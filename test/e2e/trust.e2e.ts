/**
 * The trust boundary in each browser, tried as an attacker would
 * (support/trust-scenarios.ts): a hostile first script that forges the
 * relay's, the panel's and the hook's messages, a silent page, a huge value,
 * a gzip bomb opened as a recording.
 */
import { afterAll, beforeAll, describe, inject, it } from "vitest"
import { gzipBomb } from "../support/gzip-bomb"
import { type HostileDemo, startHostileDemo } from "./support/hostile-demo"
import { browserSession } from "./support/scenario"
import { BROWSERS } from "./support/session"
import {
  bombRefusedInPanel,
  hostilePageCannotCommandBlindOrFreeze,
  hugeValueArrivesAsSummary,
  silentPageShownAsSilent,
} from "./support/trust-scenarios"

const demoUrl = inject("demoUrl")

describe.each(BROWSERS)("trust boundary in %s", name => {
  const browser = browserSession(name)
  let hostile: HostileDemo
  beforeAll(async () => {
    hostile = await startHostileDemo(demoUrl)
  })
  afterAll(async () => {
    await hostile?.close()
  })

  it("a page that hears every window message and forges the relay's, the panel's and the hook's cannot command, blind or freeze the panel", async () => {
    await hostilePageCannotCommandBlindOrFreeze(browser, hostile, `trust-${name}`)
  })

  it("says when the page has sent nothing for three seconds, and when it is back", async () => {
    await silentPageShownAsSilent(browser, demoUrl, `silent-${name}`)
  })

  it("shows a 5 MB value as a summary with its size, under its key", async () => {
    await hugeValueArrivesAsSummary(browser, demoUrl, `huge-${name}`)
  })

  it("refuses a 1 GB gzip bomb in the panel", async () => {
    const elapsed = await bombRefusedInPanel(browser, demoUrl, await gzipBomb(1024 * 1024 * 1024))
    console.info(`${name} refused the 1 GB gzip bomb in ${elapsed.toFixed(0)} ms`)
  })
})
