/**
 * Hook overhead: three real repos (a hub and two spokes over the library's
 * BridgeAdapter); one spoke sends presence updates; a run ends when the
 * other spoke holds the last one and, with a panel, when the relay has
 * consumed the hook's last batch (the final flush is inside the measured
 * CPU). Variants:
 *   - none:       no hook
 *   - idle:       the bundled hook registered on all three repos, no panel
 *   - streaming:  the bundled hook streaming to a relay stand-in that checks
 *                 and encodes every batch as the relay and port do
 * Every run is a process of its own (bench/hook-overhead-process.ts), and the
 * variants run interleaved, round by round, so machine noise hits them alike.
 * The figure to read is the CPU time a variant adds per update over the
 * same round's no-hook run; the ratio to no hook is reported beside it.
 */
import { spawn } from "node:child_process"
import { resolve } from "node:path"
import type { HookRunResult, HookVariant } from "./hook-overhead-process"
import { median, percentile } from "./stats"

/**
 * "compared": the streaming variant with the hook file EPHEMERA_BENCH_COMPARE
 * names (say, the previous build's), run in the same rounds: how a change
 * to the hook moves the figure, side by side.
 */
export type BenchVariant = HookVariant | "compared"
const COMPARED_HOOK = process.env.EPHEMERA_BENCH_COMPARE
const VARIANTS: readonly BenchVariant[] = COMPARED_HOOK ? ["none", "idle", "streaming", "compared"] : ["none", "idle", "streaming"]

export interface HookOverheadResult {
  updates: number
  rounds: number
  /** Median updates/s per variant, by wall clock. */
  rate: Record<BenchVariant, number>
  /** Median over rounds of the variant's updates/s over the same round's no-hook run, by wall clock. */
  ratio: Record<BenchVariant, number>
  /** The same by process CPU time, which time the VM gives to other guests does not stretch. */
  cpuRatio: Record<BenchVariant, number>
  /** Median over rounds of the CPU the variant adds per update over the same round's no-hook run, µs. */
  addedUs: Record<BenchVariant, number>
  /** The quartiles of those per-round figures: how far this machine's noise spreads them. */
  addedUsQuartiles: Record<BenchVariant, [number, number]>
  /** No-hook CPU per update (median), µs: what one update costs the three repos. */
  baseUs: number
  /** Chars the relay stand-in consumed in one streaming run (shows it really drained). */
  consumedChars: number
}

/** Targets in what a page pays, per update crossing the three repos. */
export const HOOK_TARGETS_US = { streaming: 45, idle: 2 } as const

const PROCESS_SCRIPT = resolve(import.meta.dirname, "hook-overhead-process.ts")
const TSX = resolve(import.meta.dirname, "../node_modules/.bin/tsx")

export async function benchHookOverhead(updates = 5_000, rounds = 15, warmup = 1_000): Promise<HookOverheadResult> {
  const runs: Record<BenchVariant, HookRunResult[]> = { none: [], idle: [], streaming: [], compared: [] }
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no variant always runs first.
    for (const variant of VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!)) {
      runs[variant].push(await runInProcess(variant, updates, warmup))
    }
  }
  const wallRate = (run: HookRunResult) => run.updates / run.wallSeconds
  const cpuRate = (run: HookRunResult) => run.updates / (run.cpuMicros / 1e6)
  const cpuPerUpdate = (run: HookRunResult) => run.cpuMicros / run.updates
  const perVariant = (of: (variant: BenchVariant) => number) =>
    Object.fromEntries(VARIANTS.map(variant => [variant, of(variant)])) as Record<BenchVariant, number>
  const added = (variant: BenchVariant) => runs[variant].map((run, i) => cpuPerUpdate(run) - cpuPerUpdate(runs.none[i]!))
  const ratioBy = (rate: (run: HookRunResult) => number) =>
    perVariant(variant => median(runs[variant].map((run, i) => rate(run) / rate(runs.none[i]!))))
  return {
    updates,
    rounds,
    rate: perVariant(variant => median(runs[variant].map(wallRate))),
    ratio: ratioBy(wallRate),
    cpuRatio: ratioBy(cpuRate),
    addedUs: perVariant(variant => median(added(variant))),
    addedUsQuartiles: Object.fromEntries(
      VARIANTS.map(variant => {
        const sorted = added(variant).sort((a, b) => a - b)
        return [variant, [percentile(sorted, 0.25), percentile(sorted, 0.75)]]
      }),
    ) as Record<BenchVariant, [number, number]>,
    baseUs: median(runs.none.map(cpuPerUpdate)),
    consumedChars: runs.streaming.at(-1)?.consumedChars ?? 0,
  }
}

function runInProcess(variant: BenchVariant, updates: number, warmup: number): Promise<HookRunResult> {
  return new Promise((resolvePromise, reject) => {
    const env = variant === "compared" ? { ...process.env, EPHEMERA_BENCH_HOOK: COMPARED_HOOK } : process.env
    const args = [PROCESS_SCRIPT, variant === "compared" ? "streaming" : variant, String(updates), String(warmup)]
    const child = spawn(TSX, args, { stdio: ["ignore", "pipe", "pipe"], env })
    let out = ""
    let err = ""
    child.stdout.on("data", chunk => (out += chunk))
    child.stderr.on("data", chunk => (err += chunk))
    child.on("error", reject)
    child.on("close", code => {
      if (code !== 0) reject(new Error(`hook-overhead run (${variant}) failed: ${err.trim() || `exit ${code}`}`))
      else resolvePromise(JSON.parse(out.trim().split("\n").at(-1)!) as HookRunResult)
    })
  })
}

/** `tsx bench/hook-overhead.ts [updates] [rounds]`: figure 1 alone, without the rest of `npm run bench`. */
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [updates, rounds] = process.argv.slice(2).map(Number)
  benchHookOverhead(updates || undefined, rounds || undefined).then(result => console.log(JSON.stringify(result, null, 2)))
}
