/**
 * simulate/state and simulate/error in the panel's reducer: a repo's
 * simulated peers are exactly those of the latest state, errors are kept by
 * request id, and nothing else in the state changes identity.
 */
import { describe, expect, it } from "vitest"
import type { BackgroundToPanelMessage, HookToPanelMessage, SimulatedPeerInfo } from "../../protocol/messages"
import { applyAll } from "../../devtools-panel/state/apply"
import { initialState, type PanelState } from "../../devtools-panel/state/panel-state"
import { simulatedIds } from "../../devtools-panel/state/simulation"
import { T0, batch, entry, hello, pageStatus, registered, repoInfo, store } from "../component/fixtures/messages"

const DOC = "room:lobby"

function simPeer(id: string, name: string, overrides: Partial<SimulatedPeerInfo> = {}): SimulatedPeerInfo {
  return {
    id,
    name,
    docId: DOC,
    visibility: "network",
    namespaces: { cursor: { value: { x: 1, y: 2 }, behaviour: { kind: "static" } } },
    paused: false,
    state: "live",
    channelId: 1_000_000_001,
    createdAt: T0,
    ...overrides,
  }
}

function simState(repoId: string, peers: SimulatedPeerInfo[], keepOnClose = false): HookToPanelMessage {
  return { type: "simulate/state", repoId, peers, keepOnClose }
}

let seq = 1
function page(...messages: HookToPanelMessage[]): BackgroundToPanelMessage {
  return batch(seq++, ...messages)
}

function opened(): PanelState {
  seq = 1
  return applyAll(
    initialState(),
    [
      pageStatus(true),
      page(
        hello(),
        registered(repoInfo(), { stores: [store(DOC, "cursor", [entry("100", { x: 0, y: 0 }, T0)])] }),
        registered(repoInfo({ repoId: "r2", label: "other", peerId: "101" })),
      ),
    ],
    T0,
  )
}

describe("simulated peers in the panel state", () => {
  it("takes the latest simulate/state as the repo's simulated peers", () => {
    const before = opened()
    const after = applyAll(before, [page(simState("r1", [simPeer("7001", "sim-1"), simPeer("7002", "sim-2")], true))], T0)
    const simulation = after.repos.get("r1")!.simulation!
    expect(simulation.peers.map(peer => peer.name)).toEqual(["sim-1", "sim-2"])
    expect([...simulatedIds(after.repos.get("r1"))]).toEqual(["7001", "7002"])
    expect(simulation.keepOnClose).toBe(true)
    expect(simulation.version).toBe(1)
    // Pure: the previous state and the untouched repo are as they were.
    expect(before.repos.get("r1")!.simulation).toBeUndefined()
    expect(after.repos.get("r2")).toBe(before.repos.get("r2"))
    expect(after.repos.get("r1")!.rooms).toBe(before.repos.get("r1")!.rooms)

    const removed = applyAll(after, [page(simState("r1", [simPeer("7002", "sim-2")]))], T0)
    expect([...simulatedIds(removed.repos.get("r1"))]).toEqual(["7002"])
    expect(removed.repos.get("r1")!.simulation!.version).toBe(2)
    expect(removed.repos.get("r1")!.simulation!.keepOnClose).toBe(false)
  })

  it("ignores a state for a repo it does not know, and malformed peers in a state", () => {
    const before = opened()
    const unknown = applyAll(before, [page(simState("r9", [simPeer("1", "x")]))], T0)
    expect(unknown.repos).toBe(before.repos)
    const odd = applyAll(before, [page(simState("r1", [simPeer("7001", "ok"), { name: "no id" } as unknown as SimulatedPeerInfo]))], T0)
    expect([...simulatedIds(odd.repos.get("r1"))]).toEqual(["7001"])
  })

  it("keeps errors by request id, newest 32, with a fallback message", () => {
    let state = opened()
    const errors: HookToPanelMessage[] = Array.from({ length: 40 }, (_, index) => ({
      type: "simulate/error",
      requestId: `req-${index}`,
      message: `failed ${index}`,
      code: "invalid-spec",
    }))
    state = applyAll(state, [page(...errors), page({ type: "simulate/error", requestId: "blank", message: "" })], T0)
    expect(state.simulationErrors.size).toBe(32)
    expect(state.simulationErrors.has("req-0")).toBe(false)
    expect(state.simulationErrors.get("req-39")).toEqual({ message: "failed 39", code: "invalid-spec" })
    expect(state.simulationErrors.get("blank")?.message).toMatch(/refused/)
  })

  it("forgets a reloaded page's simulated peers: the new page's repo starts without any", () => {
    const simulating = applyAll(opened(), [page(simState("r1", [simPeer("7001", "sim-1")]))], T0)
    seq = 1
    const reloaded = applyAll(simulating, [page(hello(undefined, undefined, "hook-2"), registered(repoInfo()))], T0 + 1000)
    expect(reloaded.repos.get("r1")!.gone).toBe(false)
    expect(simulatedIds(reloaded.repos.get("r1")).size).toBe(0)
  })
})
