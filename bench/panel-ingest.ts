/**
 * Panel ingest (budget figure 3), in real Chromium with the built extension:
 * the page hook emits a realistic event mix at 3,000 events/s for 60 s (a
 * room of peers moving cursors through a hub, the local user too, now and
 * then a document change), while the real panel page shows the Log tab and
 * follows the newest row. Measured in the panel itself: long tasks (the
 * Long Tasks API) once warmed up, animation-frame gaps, and the JS heap
 * after a forced GC with the buffer full (100,000 events). Then a search
 * over the full buffer, to show the rescan stays in short tasks.
 */
import type { Page } from "playwright-core"
import type { HookToPanelMessage, ModelSnapshot, StoreSnapshot, WireValue } from "../protocol/messages"
import { encodeEphemeralEntries } from "../codec/loro-ephemeral/ephemeral-encoder"
import { bytesToHex } from "../codec/hex"
import { launchChromiumBrowser } from "../test/e2e/support/chromium"
import { startFixtureServer } from "../test/e2e/support/fixture-server"
import { PANEL_PATH } from "../test/e2e/support/paths"
import { waitFor } from "../test/e2e/support/wait"
import { percentile } from "./stats"
import { traceTasks } from "./task-trace"

export interface PanelIngestResult {
  targetRate: number
  seconds: number
  warmUpSeconds: number
  emitted: number
  /** Events the panel recorded (its log's total) and holds at the end. */
  recorded: number
  held: number
  evicted: number
  /** After warm-up, by the Long Tasks API (wall time: other processes on the machine stretch it). */
  longTasks: number
  /** The longest of those long tasks; 0 when there was none (the API only reports tasks over 50 ms). */
  maxTaskMs: number
  /** After warm-up, from a trace of the panel's main thread: CPU time per task, which load elsewhere does not stretch. */
  longTasksCpu: number
  maxTaskCpuMs: number
  /** Share of one core the panel's main thread used while ingesting. */
  panelCpuShare: number
  /** During warm-up (first load of the panel's code paths), for the record. */
  maxTaskMsWarmUp: number
  frameGapP95Ms: number
  frameGapMaxMs: number
  /** JS heap after a forced GC, with the buffer full. */
  heapMb: number
  /** A search typed over the full buffer: time until every event was tested, and the longest task meanwhile. */
  searchMs: number
  searchMaxTaskMs: number
}

const REPO = "bench"
const DOC = "room:bench"
const SELF = "1000000000000000001"
const HUB = "9000000000000000009"
const REMOTES = Array.from({ length: 6 }, (_, i) => `20000000000000000${10 + i}`)

/** Builds the event templates the page cycles through (ids and times are filled in there). */
function templates(): { registration: HookToPanelMessage; cycle: WireValue[]; docChange: WireValue[] } {
  const channels = [{ channelId: 1, type: "established", kind: "network", adapterType: "ws-client", peerId: HUB }]
  const hubPeer = {
    identity: { peerId: HUB, name: "hub", type: "service" },
    channels: [1],
    subscriptions: [DOC],
    docSyncStates: [{ docId: DOC, status: "synced", lastKnownVersion: { [SELF]: 3 }, lastUpdated: Date.now() }],
  }
  const snapshot: ModelSnapshot = {
    identity: { peerId: SELF, name: "me", type: "user" },
    peers: [hubPeer],
    channels,
    documents: [{ docId: DOC, version: { [SELF]: 3 } }],
  }
  const stores: StoreSnapshot[] = [
    {
      docId: DOC,
      namespace: "cursor",
      entries: [SELF, ...REMOTES].map(key => ({ key, value: { x: 0, y: 0 }, deleted: false, timestamp: Date.now() })),
    },
  ]
  const registration: HookToPanelMessage = {
    type: "repo/registered",
    repo: {
      repoId: REPO,
      label: "bench",
      peerId: SELF,
      name: "me",
      identityType: "user",
      library: "loro-extended",
      libraryVersion: "5.x",
      origin: "register",
      taps: [],
      registeredAt: Date.now(),
    },
    snapshot,
    stores,
  }
  const bytes = (key: string, x: number) => {
    const data = encodeEphemeralEntries([{ key, timestamp: Date.now(), value: { x, y: x * 2 } }])
    return { $ephemera: "bytes", type: "Uint8Array", length: data.length, hex: bytesToHex(data), truncated: false }
  }
  const cycle: WireValue[] = []
  for (let step = 0; step < 4; step++) {
    // Three remote cursor moves relayed by the hub: frame in, the message handling it, the store import, the emitter.
    for (let r = 0; r < 3; r++) {
      const key = REMOTES[(step * 3 + r) % REMOTES.length]!
      const frame = {
        type: "channel/ephemeral",
        docId: DOC,
        hopsRemaining: 0,
        stores: [{ peerId: HUB, namespace: "cursor", data: bytes(key, step * 10 + r) }],
      }
      cycle.push(
        { kind: "channel-in", channelId: 1, peerId: HUB, msgType: "channel/ephemeral", size: 160, message: frame },
        {
          kind: "sync-message",
          msgType: "synchronizer/channel-receive-message",
          message: { type: "synchronizer/channel-receive-message", envelope: { fromChannelId: 1, message: frame } },
          commands: [{ type: "cmd/apply-ephemeral", depth: 0, detail: { docId: DOC, stores: frame.stores } }],
          delta: {},
        },
        {
          kind: "store",
          docId: DOC,
          namespace: "cursor",
          by: "import",
          entries: [{ key, value: { x: step * 10 + r, y: 2 }, deleted: false, timestamp: Date.now(), size: 40 }],
        },
        { kind: "emitter", name: "ephemeral-change", data: { docId: DOC, source: "remote", peerId: HUB } },
      )
    }
    // The local user's cursor: message, frame out, store (local), emitter.
    const out = {
      type: "channel/ephemeral",
      docId: DOC,
      hopsRemaining: 1,
      stores: [{ peerId: SELF, namespace: "cursor", data: bytes(SELF, step) }],
    }
    cycle.push(
      {
        kind: "sync-message",
        msgType: "synchronizer/ephemeral-local-change",
        message: { type: "synchronizer/ephemeral-local-change", docId: DOC, namespace: "cursor" },
        commands: [
          { type: "cmd/batch", depth: 0 },
          { type: "cmd/emit-ephemeral-change", depth: 1, detail: { docId: DOC } },
          {
            type: "cmd/broadcast-ephemeral-namespace",
            depth: 1,
            detail: { docId: DOC, namespace: "cursor", hopsRemaining: 1, toChannelIds: [1] },
          },
        ],
        delta: {},
      },
      { kind: "channel-out", toChannelIds: [1], msgType: "channel/ephemeral", size: 150, message: out, establishment: false },
      {
        kind: "store",
        docId: DOC,
        namespace: "cursor",
        by: "local",
        entries: [{ key: SELF, value: { x: step, y: 1 }, deleted: false, timestamp: Date.now(), size: 40 }],
      },
      { kind: "emitter", name: "ephemeral-change", data: { docId: DOC, source: "local" } },
    )
  }
  // A document change: the model's peers change (sync state), an update goes out.
  const update = {
    type: "channel/update",
    docId: DOC,
    transmission: {
      type: "update",
      data: { $ephemera: "bytes", type: "Uint8Array", length: 420, hex: "00".repeat(32), truncated: true },
      version: { [SELF]: 4 },
    },
  }
  const docChange: WireValue[] = [
    {
      kind: "sync-message",
      msgType: "synchronizer/local-doc-change",
      message: { type: "synchronizer/local-doc-change", docId: DOC },
      commands: [{ type: "cmd/send-message", depth: 0, detail: { envelope: { toChannelIds: [1], message: update } } }],
      delta: {
        peers: [
          { ...hubPeer, docSyncStates: [{ docId: DOC, status: "synced", lastKnownVersion: { [SELF]: 4 }, lastUpdated: Date.now() }] },
        ],
      },
    },
    { kind: "channel-out", toChannelIds: [1], msgType: "channel/update", size: 520, message: update, establishment: false },
  ]
  return { registration, cycle, docChange }
}

/** Page side, as source text: bench processes keep function names (tsx), which evaluate() cannot ship. */
const EMIT_SCRIPT = `(async ({ rate, seconds, cycle, docChange, repoId }) => {
  const hook = window.__EPHEMERA_DEVTOOLS_HOOK__
  const start = performance.now()
  const total = rate * seconds
  let emitted = 0
  let id = 1000
  while (emitted < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate))
    const events = []
    const t = Date.now()
    for (; emitted < due; emitted++) {
      const every = emitted % 500 < docChange.length ? docChange[emitted % 500] : cycle[emitted % cycle.length]
      events.push({ ...every, id: ++id, repoId, t })
    }
    if (events.length > 0) hook.emit({ type: "repo/events", repoId, events })
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  return emitted
})`

/** Panel side: long tasks and frame gaps, timestamped on the panel's clock. */
const MONITOR_SCRIPT = `(() => {
  const monitor = { tasks: [], gaps: [], stop: false, since: performance.now() }
  new PerformanceObserver(list => { for (const entry of list.getEntries()) if (entry.startTime >= monitor.since) monitor.tasks.push([entry.startTime, entry.duration]) }).observe({ type: "longtask" })
  let last = performance.now()
  const frame = now => { monitor.gaps.push([now, now - last]); last = now; if (!monitor.stop) requestAnimationFrame(frame) }
  requestAnimationFrame(frame)
  window.__benchMonitor = monitor
  return performance.now()
})()`

async function heapMb(panel: Page): Promise<number> {
  const cdp = await panel.context().newCDPSession(panel)
  await cdp.send("HeapProfiler.collectGarbage")
  const { usedSize } = await cdp.send("Runtime.getHeapUsage")
  await cdp.detach()
  return usedSize / (1024 * 1024)
}

const readLog = (panel: Page) =>
  panel.evaluate(`(() => {
    const count = document.querySelector('[data-testid="log-count"]')
    const evicted = document.querySelector('[data-testid="log-evicted"]')
    return { held: Number(count?.dataset.held ?? 0), shown: Number(count?.dataset.shown ?? 0), evicted: Number(evicted?.dataset.count ?? 0), scanning: document.querySelector('[data-testid="log-scanning"]') !== null }
  })()`) as Promise<{ held: number; shown: number; evicted: number; scanning: boolean }>

export interface PanelIngestOptions {
  /** The panel's detectors watching every message (the default), or off: the baseline for their cost. */
  detectors?: boolean
}

export async function benchPanelIngest(
  targetRate = 3_000,
  seconds = 60,
  warmUpSeconds = 5,
  options: PanelIngestOptions = {},
): Promise<PanelIngestResult> {
  const fixtures = await startFixtureServer()
  const chromium = await launchChromiumBrowser()
  try {
    const { page, tabId } = await chromium.openTab(`${fixtures.url}/bench-page.html`)
    const panel = await chromium.context.newPage()
    await panel.goto(
      `chrome-extension://${chromium.extensionId}/${PANEL_PATH}?tabId=${tabId}${options.detectors === false ? "&detectors=off" : ""}`,
    )
    await panel.setViewportSize({ width: 1400, height: 900 })
    await panel.getByTestId("tab-log").click()
    await waitFor(() => page.evaluate(`window.__EPHEMERA_DEVTOOLS_HOOK__.listening === true`), "the hook to see the panel")
    const { registration, cycle, docChange } = templates()
    await page.evaluate(`window.__EPHEMERA_DEVTOOLS_HOOK__.emit(${JSON.stringify(registration)})`)
    await waitFor(
      () => panel.evaluate(`window.__ephemeraPanelState.repos.some(repo => repo.repoId === ${JSON.stringify(REPO)})`),
      "the bench repo in the panel",
    )

    const monitorStart = (await panel.evaluate(MONITOR_SCRIPT)) as number
    const emitting = page.evaluate(
      `${EMIT_SCRIPT}(${JSON.stringify({ rate: targetRate, seconds, cycle, docChange, repoId: REPO })})`,
    ) as Promise<number>
    // The warm-up is a measuring window, not a wait for a condition: the first seconds load code paths and JIT.
    await new Promise(resolve => setTimeout(resolve, warmUpSeconds * 1000))
    const stopTrace = await traceTasks(panel)
    const emitted = await emitting
    const recorded = await waitFor(
      async () => {
        const log = await readLog(panel)
        return log.held + log.evicted >= emitted ? log : undefined
      },
      "the panel to record every event",
      60_000,
    )
    const trace = await stopTrace()
    const monitor = (await panel.evaluate(`(() => { window.__benchMonitor.stop = true; return window.__benchMonitor })()`)) as {
      tasks: [number, number][]
      gaps: [number, number][]
    }
    const warmedUp = monitorStart + warmUpSeconds * 1000
    const after = monitor.tasks.filter(([start]) => start >= warmedUp).map(([, duration]) => duration)
    const before = monitor.tasks.filter(([start]) => start < warmedUp).map(([, duration]) => duration)
    const gaps = monitor.gaps
      .filter(([at]) => at >= warmedUp)
      .map(([, gap]) => gap)
      .sort((a, b) => a - b)
    const heap = await heapMb(panel)

    // A search over the full buffer: the rescan runs in slices between frames.
    await panel.evaluate(`window.__benchMonitor = undefined; ${MONITOR_SCRIPT}`)
    const searchStart = Date.now()
    await panel.getByTestId("log-search").fill(REMOTES[2]!)
    await waitFor(async () => !(await readLog(panel)).scanning, "the search to finish", 60_000, 10)
    const searchMs = Date.now() - searchStart
    const searchTasks = (await panel.evaluate(`window.__benchMonitor.tasks`)) as [number, number][]

    return {
      targetRate,
      seconds,
      warmUpSeconds,
      emitted,
      recorded: recorded.held + recorded.evicted,
      held: recorded.held,
      evicted: recorded.evicted,
      longTasks: after.filter(duration => duration > 50).length,
      maxTaskMs: Math.max(0, ...after),
      maxTaskMsWarmUp: Math.max(0, ...before),
      longTasksCpu: trace.cpuMs.filter(ms => ms > 50).length,
      maxTaskCpuMs: Math.max(0, ...trace.cpuMs),
      panelCpuShare: trace.cpuMs.reduce((sum, ms) => sum + ms, 0) / trace.wallMs,
      frameGapP95Ms: percentile(gaps, 0.95),
      frameGapMaxMs: gaps.at(-1) ?? 0,
      heapMb: heap,
      searchMs,
      searchMaxTaskMs: Math.max(0, ...searchTasks.map(([, duration]) => duration)),
    }
  } finally {
    await chromium.close()
    await fixtures.close()
  }
}

/** `tsx bench/panel-ingest.ts [rate] [seconds]` runs this figure alone. */
if (process.argv[1]?.endsWith("panel-ingest.ts")) {
  const [rate, seconds] = process.argv.slice(2).map(Number)
  benchPanelIngest(rate || undefined, seconds || undefined).then(result => console.log(result))
}
