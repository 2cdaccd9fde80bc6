/**
 * The state of another tab in a room across tabs: fed through the same
 * reducer, it follows the hook's snapshot answers; the inspected tab's own
 * state leaves them alone.
 */
import { describe, expect, it } from "vitest"
import { applyAll } from "../../devtools-panel/state/apply"
import { comparedTabState, initialState } from "../../devtools-panel/state/panel-state"
import { fromWire } from "../../devtools-panel/transport/transport"
import { T0, batch, entry, hello, registered, repoInfo, store, tabSnapshot } from "../component/fixtures/messages"

const DOC = "room:lobby"
const alice = repoInfo({ repoId: "repo-1", label: "alice", peerId: "100" })
const extra = repoInfo({ repoId: "repo-2", label: "alice-2", peerId: "101" })

function withCursor(info: typeof alice, x: number, timestamp: number) {
  return registered(info, { stores: [store(DOC, "cursor", [entry(info.peerId, { x }, timestamp)])] })
}

function cursorOf(state: ReturnType<typeof comparedTabState>, repoId: string): unknown {
  return state.repos.get(repoId)?.rooms.get(DOC)?.namespaces.get("cursor")?.get(state.repos.get(repoId)!.info.peerId)?.value
}

describe("a compared tab's state", () => {
  it("takes each snapshot as the whole picture: new values, and repos no longer listed are gone", () => {
    let state = applyAll(comparedTabState(), [batch(0, tabSnapshot([withCursor(alice, 1, T0), withCursor(extra, 5, T0)]))], T0)
    expect([...state.repos.keys()]).toEqual(["repo-1", "repo-2"])
    expect(cursorOf(state, "repo-1")).toEqual({ x: 1 })
    expect(state.hook).toMatchObject({ instance: "hook-1" })

    state = applyAll(state, [batch(1, tabSnapshot([withCursor(alice, 2, T0 + 10)], { requestId: "snap-2" }))], T0 + 500)
    expect(cursorOf(state, "repo-1")).toEqual({ x: 2 })
    const entryState = state.repos.get("repo-1")!.rooms.get(DOC)!.namespaces.get("cursor")!.get("100")!
    // When the panel learned of the change: what a settle time is measured from.
    expect(entryState.changedAt).toBe(T0 + 500)
    expect(state.repos.get("repo-2")).toMatchObject({ gone: true, goneReason: "unregistered" })
  })

  it("treats a new hook instance as a reloaded page, even though its batches count from 0 again", () => {
    let state = applyAll(
      comparedTabState(),
      [batch(0, tabSnapshot([withCursor(alice, 1, T0)])), batch(1, tabSnapshot([withCursor(alice, 1, T0)]))],
      T0,
    )
    const reloaded = repoInfo({ ...alice, repoId: "repo-1" })
    state = applyAll(state, [batch(0, tabSnapshot([withCursor(reloaded, 9, T0 + 50)], { instance: "hook-2" }))], T0 + 100)
    expect(state.epoch).toBe(1)
    expect(state.unreadable).toEqual({})
    expect(cursorOf(state, "repo-1")).toEqual({ x: 9 })
    // A repeated old batch without a new hook is still refused.
    state = applyAll(state, [batch(0, tabSnapshot([withCursor(reloaded, 3, T0)], { instance: "hook-2" }))], T0 + 200)
    expect(state.unreadable["out-of-order"]).toBe(1)
  })

  it("is left alone by answers meant for another panel, when it is the inspected tab's", () => {
    const state = applyAll(
      initialState(),
      [batch(0, hello(), withCursor(alice, 1, T0)), batch(1, tabSnapshot([withCursor(alice, 7, T0 + 5)]))],
      T0,
    )
    expect(cursorOf(state, "repo-1")).toEqual({ x: 1 })
  })
})

describe("another tab's batch off the port", () => {
  it("is parsed like the inspected tab's and keeps its tab id; text that is not a batch is counted for that tab", () => {
    const text = JSON.stringify({ messages: [{ type: "hook/pong", nonce: "n" }] })
    expect(fromWire({ type: "background/tab-batch", tabId: 7, seq: 4, batchJson: text })).toEqual([
      {
        type: "background/tab-batch",
        tabId: 7,
        message: { type: "background/page-batch", batch: { seq: 4, messages: [{ type: "hook/pong", nonce: "n" }] } },
      },
    ])
    expect(fromWire({ type: "background/tab-batch", tabId: 7, seq: 5, batchJson: "{" })).toEqual([
      { type: "background/tab-batch", tabId: 7, message: { type: "panel/unreadable", reason: "bad-shape", count: 1 } },
    ])
    // The seq travels beside the text: one that is not a number makes the batch unreadable, for that tab.
    expect(fromWire({ type: "background/tab-batch", tabId: 7, seq: Number.NaN, batchJson: text })).toEqual([
      { type: "background/tab-batch", tabId: 7, message: { type: "panel/unreadable", reason: "bad-shape", count: 1 } },
    ])
    expect(fromWire({ type: "background/tab-batch", tabId: Number.NaN, seq: 4, batchJson: text })).toEqual([])
  })
})
