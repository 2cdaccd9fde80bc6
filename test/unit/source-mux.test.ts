/**
 * Many Node processes as one page: repo ids scoped by source (and unscoped
 * on the way back), event ids renumbered, repos gone with their process.
 */
import { describe, expect, it } from "vitest"
import type { BackgroundToPanelMessage, HookBatch, HookToPanelMessage } from "../../protocol/messages"
import { SourceMux } from "../../devtools-panel/transport/source-mux"
import { applyAll } from "../../devtools-panel/state/apply"
import { initialState } from "../../devtools-panel/state/panel-state"

const repoInfo = (repoId: string, label: string) => ({
  repoId,
  label,
  peerId: `${label}-peer`,
  identityType: "service",
  library: "loro-extended" as const,
  libraryVersion: "5.x",
  origin: "register" as const,
  taps: [],
  registeredAt: 1,
})
const registered = (repoId: string, label: string): HookToPanelMessage => ({
  type: "repo/registered",
  repo: repoInfo(repoId, label),
  snapshot: { identity: { peerId: `${label}-peer`, type: "service" }, peers: [], channels: [], documents: [] },
  stores: [],
})
const batch = (seq: number, messages: HookToPanelMessage[]) => JSON.stringify({ seq, messages } satisfies HookBatch)
const messagesOf = (out: BackgroundToPanelMessage[]) =>
  out.flatMap(message => (message.type === "background/page-batch" ? message.batch.messages : []))

describe("source mux", () => {
  it("shows two processes' repos side by side, with their own ids kept apart", () => {
    const mux = new SourceMux("http://127.0.0.1:1/")
    let state = applyAll(initialState(), mux.connected(), 1)
    const merged = mux.receive({
      type: "server/sources",
      sources: [
        { source: "a", label: "hub", connected: true },
        { source: "b", label: "worker", connected: true },
      ],
    })
    expect(merged.toSources).toEqual([
      { source: "a", message: { type: "panel/subscribe" } },
      { source: "b", message: { type: "panel/subscribe" } },
    ])
    const event = { id: 1, repoId: "repo-1", t: 5, kind: "emitter" as const, name: "x", data: null }
    for (const [source, label] of [
      ["a", "hub"],
      ["b", "worker"],
    ] as const) {
      const out = mux.receive({
        type: "server/batch",
        source,
        batchJson: batch(0, [registered("repo-1", label), { type: "repo/events", repoId: "repo-1", events: [event] }]),
      })
      state = applyAll(state, out.toPanel, 2)
    }
    expect([...state.repos.keys()]).toEqual(["a:repo-1", "b:repo-1"])
    expect([...state.repos.values()].map(repo => repo.info.label)).toEqual(["hub", "worker"])
    // Both processes numbered their event 1: the page numbers them apart.
    const ids = messagesOf(
      mux.receive({ type: "server/batch", source: "a", batchJson: batch(1, [{ type: "repo/events", repoId: "repo-1", events: [event] }]) })
        .toPanel,
    )
    expect(ids).toEqual([{ type: "repo/events", repoId: "a:repo-1", events: [{ ...event, id: 3, repoId: "a:repo-1" }] }])
  })

  it("sends a repo's request to its own process, without the scope", () => {
    const mux = new SourceMux("x")
    mux.receive({ type: "server/sources", sources: [{ source: "p:1", label: "hub", connected: true }] })
    const routed = mux.route({ type: "simulate/remove-all", requestId: "r1", repoId: "p:1:repo-2" })
    expect(routed.toSources).toEqual([{ source: "p:1", message: { type: "simulate/remove-all", requestId: "r1", repoId: "repo-2" } }])
    expect(mux.route({ type: "simulate/remove-all", requestId: "r2", repoId: "unknown:repo-2" }).toSources).toEqual([])
    const attach = mux.route({ type: "attach/path", requestId: "r3", path: "repo" })
    expect(messagesOf(attach.toPanel)).toEqual([expect.objectContaining({ type: "attach/result", requestId: "r3", ok: false })])
  })

  it("scopes a process's network conditions to its repo, and sends them back unscoped", () => {
    const mux = new SourceMux("x")
    mux.receive({ type: "server/sources", sources: [{ source: "a", label: "hub", connected: true }] })
    const conditions = { delayMs: 200, jitterMs: 0, dropPercent: 0, reorderPercent: 0 }
    const channels = [{ channelId: 4, conditions, delivered: 1, dropped: 0, pending: 0 }]
    const state = mux.receive({
      type: "server/batch",
      source: "a",
      batchJson: batch(0, [{ type: "simulate/network-state", repoId: "repo-1", channels }]),
    })
    expect(messagesOf(state.toPanel)).toEqual([{ type: "simulate/network-state", repoId: "a:repo-1", channels }])
    const routed = mux.route({ type: "simulate/network", requestId: "n1", repoId: "a:repo-1", channelId: 4, conditions })
    expect(routed.toSources).toEqual([
      { source: "a", message: { type: "simulate/network", requestId: "n1", repoId: "repo-1", channelId: 4, conditions } },
    ])
  })

  it("turns a process's repos gone when it disconnects, and back when it resubscribes", () => {
    const mux = new SourceMux("x")
    let state = applyAll(initialState(), mux.connected(), 1)
    mux.receive({ type: "server/sources", sources: [{ source: "a", label: "hub", connected: true }] })
    state = applyAll(
      state,
      mux.receive({ type: "server/batch", source: "a", batchJson: batch(0, [registered("repo-1", "hub")]) }).toPanel,
      2,
    )
    state = applyAll(state, mux.receive({ type: "server/source", source: { source: "a", label: "hub", connected: false } }).toPanel, 3)
    expect(state.repos.get("a:repo-1")?.gone).toBe(true)
    const back = mux.receive({ type: "server/source", source: { source: "a", label: "hub", connected: true } })
    expect(back.toSources).toEqual([{ source: "a", message: { type: "panel/subscribe" } }])
    state = applyAll(
      state,
      mux.receive({ type: "server/batch", source: "a", batchJson: batch(1, [registered("repo-1", "hub")]) }).toPanel,
      4,
    )
    expect(state.repos.get("a:repo-1")?.gone).toBe(false)
    expect(state.lostBatches).toBe(0)
  })

  it("counts what a process could not deliver as lost", () => {
    const mux = new SourceMux("x")
    let state = applyAll(initialState(), mux.connected(), 1)
    mux.receive({ type: "server/sources", sources: [{ source: "a", label: "hub", connected: true }] })
    state = applyAll(state, mux.receive({ type: "server/lost", source: "a", count: 42 }).toPanel, 2)
    expect(state.hookDropped).toBe(42)
  })
})
