import { afterAll, beforeAll, describe, inject, it } from "vitest"
import { gzipBomb } from "../support/gzip-bomb"
import { launchChromium, type ChromiumSession } from "./support/chromium"
import { startHostileDemo, type HostileDemo } from "./support/hostile-demo"
import {
  bombRefusedInPanel,
  hostilePageCannotCommandBlindOrFreeze,
  hugeValueArrivesAsSummary,
  silentPageShownAsSilent,
} from "./support/trust-scenarios"

const demoUrl = inject("demoUrl")

describe("trust boundary in Chromium", () => {
  let chromium: ChromiumSession
  let hostile: HostileDemo
  beforeAll(async () => {
    chromium = await launchChromium()
    hostile = await startHostileDemo(demoUrl)
  })
  afterAll(async () => {
    await chromium?.close()
    await hostile?.close()
  })

  it("a page that hears every window message and forges the relay's, the panel's and the hook's cannot command, blind or freeze the panel", async () => {
    await hostilePageCannotCommandBlindOrFreeze(chromium, hostile, "trust-chromium")
  })

  it("says when the page has sent nothing for three seconds, and when it is back", async () => {
    await silentPageShownAsSilent(chromium, demoUrl, "silent-chromium")
  })

  it("shows a 5 MB value as a summary with its size, under its key", async () => {
    await hugeValueArrivesAsSummary(chromium, demoUrl, "huge-chromium")
  })

  it("refuses a 1 GB gzip bomb in the panel", async () => {
    const elapsed = await bombRefusedInPanel(chromium, demoUrl, await gzipBomb(1024 * 1024 * 1024))
    console.info(`Chromium refused the 1 GB gzip bomb in ${elapsed.toFixed(0)} ms`)
  })
})
