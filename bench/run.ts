/**
 * `npm run bench`: every performance figure the project promises, measured
 * side by side in one run, printed as a table with its target. With
 * `--write`, the table also replaces the results section of BENCHMARKS.md.
 *
 *   npm run bench                 all benchmarks
 *   npm run bench -- --only 1,2   some of them
 */
import { readFileSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { benchDetectorsCost } from "./detectors-cost"
import { benchHookOverhead, HOOK_TARGETS_US } from "./hook-overhead"
import { describeMachine } from "./machine"
import { benchPanelIngest } from "./panel-ingest"
import { benchRecordingOpenPanel } from "./recording-open-panel"
import { benchRecordingOpenSeek } from "./recording-open-seek"
import { benchRelayThroughput } from "./relay-throughput"
import { benchSimulatedLoad } from "./simulated-load"
import { formatTable, ms, perSecond, ratio, type Figure } from "./report"
import { benchWatchedTab } from "./watched-tab"

type Bench = { id: string; name: string; run: () => Promise<Figure[]> }

const BENCHES: Bench[] = [
  {
    id: "1",
    name: "Hook overhead",
    async run() {
      const r = await benchHookOverhead()
      const bench = "1. Hook overhead (bundled hook)"
      const added = (variant: "idle" | "streaming" | "compared") => {
        const [q1, q3] = r.addedUsQuartiles[variant].map(us => us.toFixed(0))
        return `${r.addedUs[variant].toFixed(1)} µs [${q1}, ${q3}] (${ratio(r.cpuRatio[variant])}; wall ${ratio(r.ratio[variant])})`
      }
      return [
        {
          bench,
          what: `no hook: CPU per update, updates/s (${r.rounds} rounds)`,
          value: `${r.baseUs.toFixed(0)} µs, ${perSecond(r.rate.none)}`,
          target: "baseline",
          met: true,
        },
        {
          bench,
          what: "idle: µs added per update [quartiles] (CPU; wall ratio)",
          value: added("idle"),
          target: `<= ${HOOK_TARGETS_US.idle} µs added`,
          met: r.addedUs.idle <= HOOK_TARGETS_US.idle,
        },
        {
          bench,
          what: "streaming: µs added per update [quartiles] (CPU; wall ratio)",
          value: added("streaming"),
          target: `<= ${HOOK_TARGETS_US.streaming} µs added`,
          met: r.addedUs.streaming <= HOOK_TARGETS_US.streaming,
        },
        ...(r.addedUs.compared === undefined
          ? []
          : [
              {
                bench,
                what: `streaming, EPHEMERA_BENCH_COMPARE's hook, same rounds`,
                value: added("compared"),
                target: "reported",
                met: true,
              },
            ]),
      ]
    },
  },
  {
    id: "2",
    name: "Relay throughput",
    async run() {
      const r = await benchRelayThroughput()
      const bench = "2. Relay throughput (Chromium)"
      const accounted = r.received + r.accountedLoss >= r.emitted
      return [
        {
          bench,
          what: `events emitted at ${perSecond(r.targetRate)} for ${r.seconds} s`,
          value: r.emitted.toLocaleString("en-US"),
          target: `>= ${(r.targetRate * r.seconds).toLocaleString("en-US")}`,
          met: r.emitted >= r.targetRate * r.seconds,
        },
        {
          bench,
          what: "received by the panel, or reported lost",
          value: `${r.received.toLocaleString("en-US")} + ${r.accountedLoss.toLocaleString("en-US")} lost`,
          target: "all accounted",
          met: accounted,
        },
        {
          bench,
          what: "page-to-panel latency p95 (p50, max)",
          value: `${ms(r.p95Ms)} (${ms(r.p50Ms)}, ${ms(r.maxMs)})`,
          target: "<= 250 ms",
          met: r.p95Ms <= 250,
        },
      ]
    },
  },
]

BENCHES.push({
  id: "3",
  name: "Panel ingest",
  async run() {
    const r = await benchPanelIngest()
    const bench = `3. Panel ingesting ${perSecond(r.targetRate)} for ${r.seconds} s (Chromium)`
    return [
      {
        bench,
        what: "events recorded / held / evicted",
        value: `${r.recorded.toLocaleString("en-US")} / ${r.held.toLocaleString("en-US")} / ${r.evicted.toLocaleString("en-US")}`,
        target: "all recorded",
        met: r.recorded >= r.emitted,
      },
      {
        bench,
        what: "main-thread tasks > 50 ms after warm-up (longest)",
        value: `${r.longTasks} (${ms(r.maxTaskMs)})`,
        target: "0",
        met: r.longTasks === 0,
      },
      {
        bench,
        what: "same, by CPU time per task (longest)",
        value: `${r.longTasksCpu} (${ms(r.maxTaskCpuMs)})`,
        target: "reported",
        met: true,
      },
      { bench, what: "JS heap with 100,000 events buffered", value: `${r.heapMb.toFixed(1)} MB`, target: "< 200 MB", met: r.heapMb < 200 },
    ]
  },
})

BENCHES.push({
  id: "4",
  name: "Simulated peers under load",
  async run() {
    const r = await benchSimulatedLoad()
    const bench = `4. ${r.peers} simulated peers at ${r.hz} Hz, ${r.seconds} s (Chromium)`
    return [
      {
        bench,
        what: "cursor updates applied by the app",
        value: `${perSecond(r.achievedRate)} of ${perSecond(r.targetRate)}`,
        target: ">= 90% of asked",
        met: r.achievedRate >= 0.9 * r.targetRate,
      },
      {
        bench,
        what: "page's longest task (long tasks)",
        value: `${ms(r.pageLongestTaskMs)} (${r.pageLongTasks})`,
        target: "reported",
        met: true,
      },
      // What a click or key press would have waited: the responsiveness a user feels.
      {
        bench,
        what: "page input delay, worst (50 ms timer lag)",
        value: ms(r.pageTimerLagMaxMs),
        target: "<= 200 ms",
        met: r.pageTimerLagMaxMs <= 200,
      },
      {
        bench,
        what: "panel live (samples showing a new value)",
        value: `${r.panelSamplesChanged}/${r.panelSamples}`,
        target: ">= 90%",
        met: r.panelLive,
      },
      { bench, what: "panel's longest task, Live view (long tasks)", value: ms(r.panelLongestTaskMs), target: "reported", met: true },
    ]
  },
})

BENCHES.push({
  id: "5",
  name: "Recording open and seek",
  async run() {
    const r = await benchRecordingOpenSeek()
    const bench = `5. Recording of ${r.events.toLocaleString("en-US")} events (${(r.fileBytes / 2 ** 20).toFixed(1)} MiB)`
    return [
      {
        bench,
        what: "open: decode + index (second open)",
        value: `${ms(r.openMs)} (${ms(r.reopenMs)})`,
        target: "< 2,000 ms",
        met: r.openMs < 2_000,
      },
      {
        bench,
        what: "then its findings (all at once; the panel slices them)",
        value: `${ms(r.findingsMs)} (${r.findings} found)`,
        target: "reported",
        met: true,
      },
      {
        bench,
        what: `seek to ${r.seeks} random points, p50 / p95`,
        value: `${ms(r.seekP50Ms)} / ${ms(r.seekP95Ms)}`,
        target: "reported",
        met: true,
      },
      { bench, what: "seek, worst", value: ms(r.seekMaxMs), target: "< 100 ms", met: r.seekMaxMs < 100 },
    ]
  },
})

BENCHES.push({
  id: "5b",
  name: "Recording open in the panel",
  async run() {
    const r = await benchRecordingOpenPanel()
    const bench = `5b. Panel opens ${r.events.toLocaleString("en-US")} events (${(r.fileBytes / 2 ** 20).toFixed(1)} MiB), Chromium`
    return [
      {
        bench,
        what: `open: read in the Worker + index (load average ${r.loadAverage.toFixed(1)})`,
        value: `${ms(r.openMs)} (${ms(r.readMs)} + ${ms(r.indexMs)})`,
        target: "< 2,000 ms",
        met: r.openMs < 2_000,
      },
      {
        bench,
        what: "CPU time: panel main thread / its Worker",
        value: `${ms(r.mainCpuMs)} / ${ms(r.workerCpuMs)}`,
        target: "reported",
        met: true,
      },
      {
        bench,
        what: "panel's longest task, by CPU (tasks > 100 ms)",
        value: `${ms(r.longestTaskCpuMs)} (${r.tasksOver100Cpu})`,
        target: "≤ 100 ms",
        met: r.longestTaskCpuMs <= 100,
      },
      {
        bench,
        what: "panel's longest task, wall-clock (tasks > 100 ms)",
        value: `${ms(r.longestTaskMs)} (${r.tasksOver100})`,
        target: "reported",
        met: true,
      },
    ]
  },
})

BENCHES.push({
  id: "6",
  name: "A tab watched by a room across tabs",
  async run() {
    const r = await benchWatchedTab()
    const bench = "6. A tab watched by a room across tabs"
    const [small, large] = r.snapshot
    // Two answers a second, whatever the app does: the cost of being watched, per second of it.
    const perSecondMs = (large!.us * 2) / 1000
    return [
      {
        bench,
        what: `one snapshot answer, ${small!.peers} / ${large!.peers} peers (bytes)`,
        value: `${small!.us.toFixed(0)} µs (${small!.bytes}) / ${large!.us.toFixed(0)} µs (${large!.bytes})`,
        target: "reported",
        met: true,
      },
      {
        bench,
        what: `asked every 500 ms, ${large!.peers} peers: CPU per second`,
        value: `${perSecondMs.toFixed(2)} ms`,
        target: "<= 10 ms (1% of a core)",
        met: perSecondMs <= 10,
      },
      {
        bench,
        what: "updates/s asked for snapshots / registered (CPU)",
        value: `${ratio(r.ratio.snapshots)} (${ratio(r.cpuRatio.snapshots)})`,
        target: "reported",
        met: true,
      },
      {
        bench,
        what: "updates/s fully subscribed / registered (CPU)",
        value: `${ratio(r.ratio.streaming)} (${ratio(r.cpuRatio.streaming)})`,
        target: "reported",
        met: true,
      },
      {
        bench,
        what: "CPU a full subscription adds per update",
        value: `${r.streamingUsPerUpdate.toFixed(0)} µs`,
        target: "reported",
        met: true,
      },
    ]
  },
})

BENCHES.push({
  id: "7",
  name: "Detectors' cost",
  async run() {
    const r = await benchDetectorsCost()
    const bench = `7. Panel's detectors at ${perSecond(r.targetRate)}, on vs off (Chromium, ${r.rounds} x ${r.seconds} s each)`
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    const share = (list: typeof r.on) => `${(100 * median(list.map(x => x.panelCpuShare))).toFixed(1)} %`
    const worst = (list: typeof r.on, pick: (x: (typeof r.on)[number]) => number) => Math.max(...list.map(pick))
    const longOn = r.on.reduce((sum, x) => sum + x.longTasksCpu, 0)
    return [
      {
        bench,
        what: "panel main thread, share of a core: on / off (median)",
        value: `${share(r.on)} / ${share(r.off)}`,
        target: "reported",
        met: true,
      },
      {
        bench,
        what: "longest task by CPU time: on / off",
        value: `${ms(worst(r.on, x => x.maxTaskCpuMs))} / ${ms(worst(r.off, x => x.maxTaskCpuMs))}`,
        target: "reported",
        met: true,
      },
      {
        bench,
        what: "longest task by wall time: on / off",
        value: `${ms(worst(r.on, x => x.maxTaskMs))} / ${ms(worst(r.off, x => x.maxTaskMs))}`,
        target: "reported",
        met: true,
      },
      { bench, what: "tasks over 50 ms by CPU time, detectors on", value: String(longOn), target: "0", met: longOn === 0 },
    ]
  },
})

async function main(): Promise<void> {
  const only = process.argv.includes("--only") ? new Set(process.argv[process.argv.indexOf("--only") + 1]!.split(",")) : undefined
  const machine = describeMachine()
  console.log(`machine: ${machine}`)
  const figures: Figure[] = []
  for (const bench of BENCHES) {
    if (only && !only.has(bench.id)) continue
    process.stdout.write(`running ${bench.id}. ${bench.name}… `)
    const started = Date.now()
    try {
      figures.push(...(await bench.run()))
      console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    } catch (error) {
      console.log("failed")
      figures.push({
        bench: `${bench.id}. ${bench.name}`,
        what: "run",
        value: `failed: ${error instanceof Error ? error.message : String(error)}`,
        target: "runs",
        met: false,
      })
    }
  }
  const table = formatTable(figures)
  console.log(`\n${table}\n`)
  if (process.argv.includes("--write")) writeResults(machine, table)
  const missed = figures.filter(f => !f.met).length
  console.log(missed === 0 ? "all targets met" : `${missed} target(s) not met`)
  process.exitCode = missed === 0 ? 0 : 1
}

function writeResults(machine: string, table: string): void {
  const path = resolve(import.meta.dirname, "../BENCHMARKS.md")
  const marker = "<!-- results -->"
  const current = readFileSync(path, "utf8")
  const head = current.includes(marker) ? current.slice(0, current.indexOf(marker)) : `${current}\n`
  writeFileSync(
    path,
    `${head}${marker}\nLast run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine}.\n\n${table}\n`,
  )
  console.log(`wrote ${path}`)
}

main()
