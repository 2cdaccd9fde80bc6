/**
 * The replayer's end and its loop: a replay is done when its last keyframe
 * is reached (keyframes run on in the page after the last action is sent),
 * and a looping replay then removes its peers and plays again from the
 * start, the state at the chosen point first; at a higher speed, sooner.
 */
import { afterEach, describe, expect, it, vi } from "vitest"
import type { SimulatedPeerInfo } from "../../protocol/simulate"
import { planEnd, planReplay } from "../../devtools-panel/recording/replay-plan"
import { indexSteps } from "../../devtools-panel/recording/steps"
import { TimeTravel } from "../../devtools-panel/recording/time-travel"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { Replayer } from "../../devtools-panel/views/recording/replayer.svelte"
import { T0, batch } from "../component/fixtures/messages"
import { CAROL, DOC, runSession } from "./recording-fixtures"

afterEach(() => vi.useRealTimers())

function peerInfo(id: string, name: string): SimulatedPeerInfo {
  return { id, name, docId: DOC, visibility: "local", namespaces: {}, paused: false, state: "live", channelId: 9000, createdAt: T0 }
}

/** Carol alone, from the start: she joins 59 ms in, and her cursor's last keyframe comes 46 ms after. */
async function carolOnly(speed: number) {
  const { recording } = runSession({ acrossReloads: false })
  const travel = await TimeTravel.build(indexSteps(recording))
  return planReplay(
    travel.index,
    { repoId: "r1", docId: DOC, from: 0, fromState: travel.stateAt(0) },
    { docId: "room:target", visibility: "local", speed, peers: new Set([CAROL]) },
  )
}

function world() {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] })
  const transport = new MemoryTransport()
  const store = new PanelStore(transport, { schedule: () => {} })
  const replayer = new Replayer(store)
  const sent = () => transport.sentToPage()
  const report = (seq: number, ...peers: SimulatedPeerInfo[]) => {
    transport.deliver(batch(seq, { type: "simulate/state", repoId: "live-repo", keepOnClose: false, peers }))
    store.flush()
  }
  return { replayer, sent, report }
}

const TARGET = { repoId: "live-repo", docId: "room:target", visibility: "local" } as const

describe("replayer end and loop", () => {
  it("is done at the last keyframe, not when the last action is sent", async () => {
    const actions = await carolOnly(1)
    expect(actions.map(action => action.kind)).toEqual(["add"])
    expect(planEnd(actions)).toBe(59 + 46)
    const { replayer, sent } = world()
    replayer.start(actions, TARGET)
    vi.advanceTimersByTime(60)
    expect(sent().map(message => message.type)).toEqual(["simulate/add"])
    expect(replayer.done).toBe(replayer.total)
    expect(replayer.status).toBe("running")
    vi.advanceTimersByTime(46)
    expect(replayer.status).toBe("finished")
    replayer.stop()
  })

  it("looping, removes its peers at the end and plays again from the start, until stopped", async () => {
    const actions = await carolOnly(1)
    const { replayer, sent, report } = world()
    replayer.start(actions, TARGET, { loop: true })
    vi.advanceTimersByTime(59)
    report(1, peerInfo("s1", "carol (replay)"))
    expect(replayer.alive).toBe(1)

    vi.advanceTimersByTime(46)
    expect(replayer.status).toBe("running")
    expect(replayer.pass).toBe(2)
    expect(sent().at(-1)).toMatchObject({ type: "simulate/remove", peerId: "s1" })
    // The second pass starts as the first did: carol added 59 ms in, with the same starting values.
    vi.advanceTimersByTime(58)
    expect(sent().filter(message => message.type === "simulate/add")).toHaveLength(1)
    vi.advanceTimersByTime(1)
    const adds = sent().filter(message => message.type === "simulate/add")
    expect(adds).toHaveLength(2)
    expect(adds[1]).toMatchObject({ peers: [{ name: "carol (replay)" }] })
    expect(adds[1]!.type === "simulate/add" && adds[1]!.peers).toEqual(adds[0]!.type === "simulate/add" && adds[0]!.peers)
    // The removed first-pass peer, still listed a moment, is not taken for the second pass's.
    report(2, peerInfo("s1", "carol (replay)"), peerInfo("s2", "carol (replay)"))
    expect(replayer.alive).toBe(1)

    const before = sent().length
    replayer.stop()
    expect(sent().slice(before)).toEqual([expect.objectContaining({ type: "simulate/remove", peerId: "s2" })])
    expect(replayer.status).toBe("idle")
  })

  it("at twice the speed, a pass takes half as long", async () => {
    const actions = await carolOnly(2)
    expect(planEnd(actions)).toBe((59 + 46) / 2)
    const { replayer, sent } = world()
    replayer.start(actions, TARGET, { loop: true })
    vi.advanceTimersByTime(Math.ceil((59 + 46) / 2))
    expect(replayer.pass).toBe(2)
    vi.advanceTimersByTime(Math.ceil(59 / 2))
    expect(sent().filter(message => message.type === "simulate/add")).toHaveLength(2)
    replayer.stop()
  })
})
