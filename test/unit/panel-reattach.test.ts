/**
 * Reattaching after a reload: the real panel store and reducer, storage as a
 * Map, timers run by hand so each attempt is one step.
 */
import { describe, expect, it, vi } from "vitest"
import type { PanelToHookMessage } from "../../protocol/messages"
import { Reattacher, type ReattachTimers } from "../../devtools-panel/reattach/reattacher"
import { RememberedRepos, readRemembered, type KeyValueArea } from "../../devtools-panel/reattach/remembered-repos"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { registerCode } from "../../devtools-panel/ui/attach-code"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { batch, hello, PAGE_URL, pageStatus, registered, repoInfo } from "../component/fixtures/messages"

const ORIGIN = "http://127.0.0.1:4173"

function mapArea(initial: Record<string, unknown> = {}): KeyValueArea & { items: Map<string, unknown>; reads: number } {
  const items = new Map(Object.entries(initial))
  const area = {
    items,
    reads: 0,
    get: async (key: string) => {
      area.reads++
      return items.has(key) ? { [key]: items.get(key) } : {}
    },
    set: async (values: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(values)) items.set(key, value)
    },
  }
  return area
}

interface Scheduled {
  run: () => void
  ms: number
}

function manualTimers(): ReattachTimers & { pending: Scheduled[]; runNext(): number } {
  const pending: Scheduled[] = []
  return {
    pending,
    set: (run, ms) => {
      const scheduled = { run, ms }
      pending.push(scheduled)
      return scheduled
    },
    clear: handle => {
      const index = pending.indexOf(handle as Scheduled)
      if (index >= 0) pending.splice(index, 1)
    },
    runNext() {
      const next = pending.shift()
      if (!next) throw new Error("no attempt scheduled")
      next.run()
      return next.ms
    },
  }
}

function panel<Area extends KeyValueArea = ReturnType<typeof mapArea>>(
  options: { area?: Area; evalInPage?: (code: string) => Promise<{ value?: unknown }> } = {},
) {
  const transport = new MemoryTransport()
  const store = new PanelStore(transport, { schedule: () => {} })
  const area = options.area ?? (mapArea() as KeyValueArea as Area)
  const timers = manualTimers()
  const reattacher = new Reattacher({
    store,
    remembered: new RememberedRepos(area),
    timers,
    delaysMs: [100, 200, 400],
    ...(options.evalInPage ? { evalInPage: options.evalInPage } : {}),
  })
  let seq = 1
  const receive = (...messages: Parameters<typeof batch>[1][]) => {
    transport.deliver(batch(seq++, ...messages))
    store.flush()
  }
  const load = (instance: string) => {
    seq = 1
    transport.deliver(pageStatus(true), batch(seq++, hello(PAGE_URL, "0.1.0", instance)))
    store.flush()
  }
  const sentToPage = () => transport.sentToPage()
  const attachRequests = () =>
    sentToPage().filter((m): m is Extract<PanelToHookMessage, { type: "attach/path" }> => m.type === "attach/path")
  return { store, area, timers, reattacher, receive, load, sentToPage, attachRequests }
}

describe("remembering", () => {
  it("remembers a path once the hook says it attached, per origin", async () => {
    const { area, reattacher, receive, load } = panel()
    load("hook-1")
    reattacher.requestedPath("user-1", "window.session.repo")
    reattacher.requestedPath("user-2", "not.there")
    receive({ type: "attach/result", requestId: "user-2", ok: false, error: "window.not is undefined" })
    receive({ type: "attach/result", requestId: "user-1", ok: true, repoId: "repo-1" })
    await vi.waitFor(() => expect(readRemembered(area.items.get(`reattach:${ORIGIN}`)).expressions).toEqual(["window.session.repo"]))
  })

  it("remembers how many repos discovery found", async () => {
    const { area, receive, load } = panel()
    load("hook-1")
    receive(
      registered(repoInfo({ repoId: "repo-1", origin: "discovered" })),
      registered(repoInfo({ repoId: "repo-2", origin: "register" })),
    )
    await vi.waitFor(() => expect(area.items.get(`reattach:${ORIGIN}`)).toEqual({ expressions: [], discovered: 1 }))
  })

  it("reads a damaged entry as nothing remembered", () => {
    expect(readRemembered("nonsense")).toEqual({ expressions: [], discovered: 0 })
    expect(readRemembered({ expressions: [1, "ok", ""], discovered: -3 })).toEqual({ expressions: ["ok"], discovered: 0 })
  })
})

describe("after a reload", () => {
  const remembered = (expressions: string[], discovered = 0) =>
    mapArea({
      [`reattach:${ORIGIN}`]: { expressions, discovered },
      "reattach:http://elsewhere.test": { expressions: ["other.repo"], discovered: 0 },
    })

  it("attaches a remembered path again, retrying until the app has created it, then stops", async () => {
    const { timers, receive, load, attachRequests } = panel({ area: remembered(["window.session.repo"]) })
    load("hook-2")
    await vi.waitFor(() => expect(attachRequests()).toHaveLength(1))
    expect(attachRequests()[0]).toMatchObject({ path: "session.repo" })
    receive({ type: "attach/result", requestId: attachRequests()[0]!.requestId, ok: false, error: "window.session is undefined" })
    expect(timers.runNext()).toBe(100)
    expect(attachRequests()).toHaveLength(2)
    receive({ type: "attach/result", requestId: attachRequests()[1]!.requestId, ok: true, repoId: "repo-1" })
    expect(timers.runNext()).toBe(200)
    // Attached: no third request and nothing more scheduled.
    expect(attachRequests()).toHaveLength(2)
    expect(timers.pending).toEqual([])
  })

  it("starts over when the page reloads again mid-way", async () => {
    const { timers, load, attachRequests } = panel({ area: remembered(["never.there"]) })
    load("hook-2")
    await vi.waitFor(() => expect(attachRequests()).toHaveLength(1))
    load("hook-3")
    await vi.waitFor(() => expect(attachRequests()).toHaveLength(2))
    // The first round's timer was cancelled: one attempt is scheduled, the new round's.
    expect(timers.pending).toHaveLength(1)
  })

  it("gives up after the last gap", async () => {
    const { timers, load, attachRequests } = panel({ area: remembered(["never.there"]) })
    load("hook-2")
    await vi.waitFor(() => expect(attachRequests()).toHaveLength(1))
    expect([timers.runNext(), timers.runNext(), timers.runNext()]).toEqual([100, 200, 400])
    expect(attachRequests()).toHaveLength(3)
    expect(timers.pending).toEqual([])
  })

  it("scans until discovery finds as many repos as before", async () => {
    const { timers, receive, load, sentToPage } = panel({ area: remembered([], 1) })
    load("hook-2")
    const scans = () => sentToPage().filter(m => m.type === "discovery/scan").length
    await vi.waitFor(() => expect(scans()).toBe(1))
    timers.runNext()
    expect(scans()).toBe(2)
    receive(registered(repoInfo({ repoId: "repo-1", origin: "discovered", label: "React <App> hook 0" })))
    timers.runNext()
    expect(scans()).toBe(2)
    expect(timers.pending).toEqual([])
  })

  it("inside DevTools evaluates the remembered expression in the page, as the user did", async () => {
    const evaluated: string[] = []
    const evalInPage = async (code: string) => {
      evaluated.push(code)
      return { value: true }
    }
    const { timers, load, attachRequests } = panel({ area: remembered(["app.repos[0]"]), evalInPage })
    load("hook-2")
    await vi.waitFor(() => expect(evaluated).toEqual([registerCode("app.repos[0]")]))
    timers.runNext()
    expect(evaluated).toHaveLength(1)
    expect(attachRequests()).toEqual([])
  })

  it("does nothing for an origin with nothing remembered", async () => {
    const area = mapArea({ "reattach:http://elsewhere.test": { expressions: ["x.repo"], discovered: 2 } })
    const { load, sentToPage, timers } = panel({ area })
    load("hook-2")
    await vi.waitFor(() => expect(area.reads).toBe(1))
    // Drains the promise chain that follows the read.
    await new Promise(resolve => setImmediate(resolve))
    expect(sentToPage()).toEqual([])
    expect(timers.pending).toEqual([])
  })
})
