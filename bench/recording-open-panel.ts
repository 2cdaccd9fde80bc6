/**
 * Opening a 500,000-event recording in the panel, in Chromium, as a user
 * does: the file chosen in the Record view, read in the panel's Worker, then
 * indexed. Reported: the time from choosing the file to the timeline
 * showing, its two phases, and the panel's longest main-thread task meanwhile,
 * by CPU time (a Chromium trace) and by wall-clock time (PerformanceObserver
 * "longtask", which sees tasks over 50 ms; 0 means none). The file is chosen
 * from disk, as a user does: handing its bytes over through the test driver
 * would itself be a 4-second task in the panel.
 * The file is a generated 10,000-event session repeated 50 times
 * (`repeatRecording`): opening costs what the file's size costs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { countLines, encodeRecording } from "../devtools-panel/recording/encode"
import { launchChromiumBrowser } from "../test/e2e/support/chromium"
import { startFixtureServer } from "../test/e2e/support/fixture-server"
import { waitFor } from "../test/e2e/support/wait"
import { generateRecording, repeatRecording } from "./recording-generator"
import { traceTasks } from "./task-trace"

export interface RecordingOpenPanelResult {
  events: number
  fileBytes: number
  /** From the file chosen to the timeline shown. */
  openMs: number
  /** Until the Worker handed over the last line (the indexing phase began). */
  readMs: number
  indexMs: number
  /** The panel's longest main-thread task while opening, by CPU time. */
  longestTaskCpuMs: number
  /** Tasks over 100 ms by CPU time. */
  tasksOver100Cpu: number
  /** CPU time of the panel's main thread, and of its Worker, while opening. */
  mainCpuMs: number
  workerCpuMs: number
  /** The same by wall-clock time (stretched by other guests' load). */
  longestTaskMs: number
  tasksOver100: number
  /** The machine's 1-minute load average when the open ended (2 cores, shared). */
  loadAverage: number
}

const FILE_NAME = "bench-500k.ephrec"

/** Panel side: when the file was chosen, when indexing began, when the timeline showed, and every long task. */
const MONITOR_SCRIPT = `(() => {
  const monitor = { tasks: [], chosen: 0, indexing: 0, shown: 0 }
  new PerformanceObserver(list => { for (const entry of list.getEntries()) monitor.tasks.push([entry.startTime, entry.duration]) }).observe({ type: "longtask" })
  document.querySelector('[data-testid="rec-open-input"]').addEventListener("change", () => (monitor.chosen = performance.now()), { capture: true })
  new MutationObserver(() => {
    const phase = document.querySelector('[data-testid="rec-progress"]')?.dataset.phase
    if (phase === "indexing" && !monitor.indexing) monitor.indexing = performance.now()
    if (!monitor.shown && document.querySelector('[data-testid="rec-info"]')?.textContent?.includes(${JSON.stringify(FILE_NAME)})) monitor.shown = performance.now()
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
  window.__benchMonitor = monitor
})()`

export async function benchRecordingOpenPanel(): Promise<RecordingOpenPanelResult> {
  const recording = repeatRecording(generateRecording(10_000), 50)
  const bytes = await encodeRecording(recording)
  const scratch = mkdtempSync(join(tmpdir(), "ephemera-bench-"))
  const file = join(scratch, FILE_NAME)
  writeFileSync(file, bytes)
  const fixtures = await startFixtureServer()
  const chromium = await launchChromiumBrowser()
  try {
    const { tabId } = await chromium.openTab(`${fixtures.url}/first-script.html`)
    const panel = await chromium.openPanel(tabId)
    await panel.getByTestId("tab-record").click()
    await panel.evaluate(MONITOR_SCRIPT)
    const stopTrace = await traceTasks(panel)
    await panel.getByTestId("rec-open-input").setInputFiles(file)
    const monitor = (await waitFor(
      () => panel.evaluate(`window.__benchMonitor.shown > 0 ? window.__benchMonitor : undefined`),
      "the recording to open",
      600_000,
      100,
    )) as { tasks: [number, number][]; chosen: number; indexing: number; shown: number }
    const trace = await stopTrace()
    const during = monitor.tasks.filter(([start]) => start >= monitor.chosen && start <= monitor.shown)
    return {
      events: countLines(recording.lines).events,
      fileBytes: bytes.length,
      openMs: monitor.shown - monitor.chosen,
      readMs: monitor.indexing - monitor.chosen,
      indexMs: monitor.shown - monitor.indexing,
      mainCpuMs: trace.cpuMs.reduce((sum, ms) => sum + ms, 0),
      workerCpuMs: trace.workerCpuMs,
      longestTaskCpuMs: Math.max(0, ...trace.cpuMs),
      tasksOver100Cpu: trace.cpuMs.filter(ms => ms > 100).length,
      longestTaskMs: Math.max(0, ...during.map(([, duration]) => duration)),
      tasksOver100: during.filter(([, duration]) => duration > 100).length,
      loadAverage: loadavg()[0]!,
    }
  } finally {
    await chromium.close()
    await fixtures.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

// `tsx bench/recording-open-panel.ts` runs it alone (after `npm run build`).
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(await benchRecordingOpenPanel(), (_, value) => (typeof value === "number" ? Math.round(value * 10) / 10 : value), 2),
  )
}
