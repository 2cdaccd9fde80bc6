/**
 * The panel's main-thread tasks by CPU time, from a Chromium trace: on this
 * shared 2-core machine a task's wall-clock length says more about the other
 * guests than about the panel, its thread CPU time does not.
 */
import type { Page } from "playwright-core"

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

/**
 * Traces task events browser-wide; the stop function returns the panel's
 * main-thread tasks (extension pages have their own renderer) and the CPU
 * time its dedicated workers spent.
 */
export async function traceTasks(
  panel: Page,
): Promise<() => Promise<{ cpuMs: number[]; wallTaskMs: number[]; wallMs: number; workerCpuMs: number }>> {
  const cdp = await panel.context().newCDPSession(panel)
  const events: TraceEvent[] = []
  cdp.on("Tracing.dataCollected", ({ value }) => events.push(...(value as unknown as TraceEvent[])))
  const complete = new Promise(resolve => cdp.once("Tracing.tracingComplete", resolve))
  const started = Date.now()
  await cdp.send("Tracing.start", { categories: "toplevel,__metadata", transferMode: "ReportEvents" })
  return async () => {
    await cdp.send("Tracing.end")
    await complete
    await cdp.detach()
    const pid = events.find(e => e.ph === "M" && e.name === "process_name" && e.args?.name === "Extension Renderer")?.pid
    const tid = events.find(e => e.ph === "M" && e.pid === pid && e.name === "thread_name" && e.args?.name === "CrRendererMain")?.tid
    const tasks = events.filter(e => e.pid === pid && e.tid === tid && e.ph === "X" && e.name === "ThreadControllerImpl::RunTask")
    const workerThreads = new Set(
      events
        .filter(e => e.ph === "M" && e.pid === pid && e.name === "thread_name" && e.args?.name === "DedicatedWorker thread")
        .map(e => e.tid),
    )
    const workerTasks = events.filter(
      e => e.pid === pid && workerThreads.has(e.tid) && e.ph === "X" && e.name === "ThreadControllerImpl::RunTask",
    )
    return {
      workerCpuMs: workerTasks.reduce((sum, e) => sum + (e.tdur ?? 0) / 1000, 0),
      cpuMs: tasks.map(e => (e.tdur ?? 0) / 1000),
      wallTaskMs: tasks.map(e => (e.dur ?? 0) / 1000),
      wallMs: Date.now() - started,
    }
  }
}
