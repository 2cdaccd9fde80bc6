/** One line about the machine a benchmark ran on (figures mean little without it). */
import { execFileSync } from "node:child_process"
import { cpus, totalmem } from "node:os"
import { chromiumPath } from "../test/e2e/support/browsers"

export function describeMachine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU"
  const memory = `${Math.round(totalmem() / 2 ** 30)} GiB`
  let chromium = "chromium ?"
  try {
    chromium = execFileSync(chromiumPath(), ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    // Reported as unknown: the browser benchmarks will say why they failed.
  }
  return `${cpus().length} × ${cpu}, ${memory}, Node ${process.version}, ${chromium}`
}
