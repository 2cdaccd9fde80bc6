/**
 * Relay throughput in real Chromium with the built extension: the page hook
 * emits events at a fixed rate; a panel-side port counts what arrives and how
 * late. Page and extension share one clock, so latency is arrival - emit time.
 */
import type { Page } from "playwright-core"
import { launchChromiumBrowser } from "../test/e2e/support/chromium"
import { startFixtureServer } from "../test/e2e/support/fixture-server"
import { waitFor } from "../test/e2e/support/wait"
import { percentile } from "./stats"
import { PROTOCOL_VERSION } from "../protocol/messages"

export interface RelayThroughputResult {
  targetRate: number
  seconds: number
  emitted: number
  received: number
  /** Reported by the relay and hook as dropped or lost, with reasons. */
  accountedLoss: number
  lossReasons: Record<string, number>
  achievedRate: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}

export async function benchRelayThroughput(targetRate = 20_000, seconds = 20): Promise<RelayThroughputResult> {
  const fixtures = await startFixtureServer()
  const chromium = await launchChromiumBrowser()
  // tsx (esbuild keepNames) wraps named functions in __name(); code we
  // evaluate in the pages carries those calls, so the helper must exist there.
  await chromium.context.addInitScript("globalThis.__name ??= (fn) => fn")
  try {
    const { page, tabId } = await chromium.openTab(`${fixtures.url}/bench-page.html`)
    const probe = await chromium.context.newPage()
    await probe.goto(`chrome-extension://${chromium.extensionId}/extension/devtools.html`)
    await startProbe(probe, tabId)
    await waitFor(() => page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening === true), "the hook to see a listener")

    const emitted = await emitAtRate(page, targetRate, seconds)
    const settled = await waitFor(
      async () => {
        const s = await probe.evaluate(() => (window as any).benchProbe.summary())
        return s.received + s.accountedLoss >= emitted || s.quietForMs > 3_000 ? s : undefined
      },
      "the probe to settle",
      60_000,
    )
    const latencies: number[] = await probe.evaluate(() => (window as any).benchProbe.latencies)
    latencies.sort((a, b) => a - b)
    return {
      targetRate,
      seconds,
      emitted,
      received: settled.received,
      accountedLoss: settled.accountedLoss,
      lossReasons: settled.lossReasons,
      achievedRate: settled.received / seconds,
      p50Ms: percentile(latencies, 0.5),
      p95Ms: percentile(latencies, 0.95),
      maxMs: latencies.at(-1) ?? 0,
    }
  } finally {
    await chromium.close()
    await fixtures.close()
  }
}

/** A panel stand-in: connects like the panel does and records every event's latency. */
async function startProbe(probe: Page, tabId: number): Promise<void> {
  await probe.evaluate(
    ({ tab, protocol }: { tab: number; protocol: number }) => {
      const latencies: number[] = []
      let received = 0
      let lastArrival = Date.now()
      const lossReasons: Record<string, number> = {}
      let accountedLoss = 0
      const port = chrome.runtime.connect({ name: "ephemera:panel" })
      port.onMessage.addListener((message: any) => {
        const now = Date.now()
        lastArrival = now
        if (message.type === "background/relay-stats") {
          accountedLoss = message.stats.lost
          for (const [reason, count] of Object.entries(message.stats.byReason))
            if (reason === "buffer-overflow") lossReasons[reason] = count as number
        }
        if (message.type !== "background/page-batch") return
        for (const hookMessage of JSON.parse(message.batchJson).messages) {
          if (hookMessage.type === "hook/dropped") {
            accountedLoss += hookMessage.count
            lossReasons[hookMessage.reason] = (lossReasons[hookMessage.reason] ?? 0) + hookMessage.count
          }
          if (hookMessage.type !== "repo/events" || hookMessage.repoId !== "bench") continue
          for (const event of hookMessage.events) {
            received++
            // Sample latencies (every 10th) to keep the probe itself cheap.
            if (received % 10 === 0) latencies.push(now - event.t)
          }
        }
      })
      port.postMessage({ type: "panel/hello", protocol, tabId: tab })
      port.postMessage({ type: "panel/to-page", message: { type: "panel/subscribe" } })
      ;(window as any).benchProbe = {
        latencies,
        summary: () => ({ received, accountedLoss, lossReasons, quietForMs: Date.now() - lastArrival }),
      }
    },
    { tab: tabId, protocol: PROTOCOL_VERSION },
  )
}

/** Emits `rate` events/s for `seconds` in slices of 10 ms; returns how many were emitted. */
function emitAtRate(page: Page, rate: number, seconds: number): Promise<number> {
  return page.evaluate(
    ({ rate, seconds }) =>
      new Promise<number>(resolve => {
        const hook = (window as any).__EPHEMERA_DEVTOOLS_HOOK__
        const start = performance.now()
        let emitted = 0
        let id = 0
        const tick = () => {
          const elapsed = performance.now() - start
          const due = Math.min(rate * seconds, Math.floor((elapsed / 1000) * rate))
          const events = []
          const t = Date.now()
          for (; emitted < due; emitted++) {
            events.push({ kind: "emitter", id: ++id, repoId: "bench", t, name: "bench", data: { n: id } })
          }
          if (events.length > 0) hook.emit({ type: "repo/events", repoId: "bench", events })
          if (emitted >= rate * seconds) resolve(emitted)
          else setTimeout(tick, 10)
        }
        tick()
      }),
    { rate, seconds },
  )
}
