/**
 * What the panel's detectors cost (figure 7): figure 3's ingest, 3,000
 * events/s into the real panel page in Chromium, with the detectors on and
 * off (`?detectors=off`), interleaved round by round so the machine's noise
 * hits both alike. Reported: the panel main thread's share of a core, its
 * longest task by CPU time (which other processes do not stretch) and by
 * wall time, and tasks over 50 ms with the detectors on.
 */
import { benchPanelIngest, type PanelIngestResult } from "./panel-ingest"

export interface DetectorsCostResult {
  targetRate: number
  seconds: number
  rounds: number
  on: PanelIngestResult[]
  off: PanelIngestResult[]
}

export async function benchDetectorsCost(targetRate = 3_000, seconds = 20, rounds = 2): Promise<DetectorsCostResult> {
  const on: PanelIngestResult[] = []
  const off: PanelIngestResult[] = []
  for (let round = 0; round < rounds; round++) {
    off.push(await benchPanelIngest(targetRate, seconds, 5, { detectors: false }))
    on.push(await benchPanelIngest(targetRate, seconds, 5, { detectors: true }))
  }
  return { targetRate, seconds, rounds, on, off }
}

/** `tsx bench/detectors-cost.ts [seconds] [rounds]` runs this figure alone. */
if (process.argv[1]?.endsWith("detectors-cost.ts")) {
  const [seconds, rounds] = process.argv.slice(2).map(Number)
  benchDetectorsCost(3_000, seconds || undefined, rounds || undefined).then(result => {
    const pick = (list: PanelIngestResult[]) =>
      list.map(r => ({ cpu: r.panelCpuShare, maxCpu: r.maxTaskCpuMs, maxWall: r.maxTaskMs, long: r.longTasks, longCpu: r.longTasksCpu }))
    console.log(JSON.stringify({ on: pick(result.on), off: pick(result.off) }, null, 2))
  })
}
