import { afterAll, beforeAll, describe, inject, it } from "vitest"
import { gzipBomb } from "../support/gzip-bomb"
import { launchFirefox, type FirefoxSession } from "./support/firefox"
import { startHostileDemo, type HostileDemo } from "./support/hostile-demo"
import {
  bombRefusedInPanel,
  hostilePageCannotCommandBlindOrFreeze,
  hugeValueArrivesAsSummary,
  silentPageShownAsSilent,
} from "./support/trust-scenarios"

const demoUrl = inject("demoUrl")

describe("trust boundary in Firefox ESR", () => {
  let firefox: FirefoxSession
  let hostile: HostileDemo
  beforeAll(async () => {
    firefox = await launchFirefox()
    hostile = await startHostileDemo(demoUrl)
  })
  afterAll(async () => {
    await firefox?.close()
    await hostile?.close()
  })

  it("a page that hears every window message and forges the relay's, the panel's and the hook's cannot command, blind or freeze the panel", async () => {
    await hostilePageCannotCommandBlindOrFreeze(firefox, hostile, "trust-firefox")
  })

  it("says when the page has sent nothing for three seconds, and when it is back", async () => {
    await silentPageShownAsSilent(firefox, demoUrl, "silent-firefox")
  })

  it("shows a 5 MB value as a summary with its size, under its key", async () => {
    await hugeValueArrivesAsSummary(firefox, demoUrl, "huge-firefox")
  })

  it("refuses a 1 GB gzip bomb in the panel", async () => {
    const elapsed = await bombRefusedInPanel(firefox, demoUrl, await gzipBomb(1024 * 1024 * 1024))
    console.info(`Firefox refused the 1 GB gzip bomb in ${elapsed.toFixed(0)} ms`)
  })
})
