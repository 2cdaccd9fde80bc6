import { afterEach, describe, expect, it, vi } from "vitest"
import type { SimulatedPeerInfo } from "../../protocol/simulate"
import { MAX_FRAMES_PER_WINDOW, planReplay, type ReplayAction } from "../../devtools-panel/recording/replay-plan"
import { indexSteps } from "../../devtools-panel/recording/steps"
import { TimeTravel } from "../../devtools-panel/recording/time-travel"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { Replayer } from "../../devtools-panel/views/recording/replayer.svelte"
import { T0, batch, entry, events, hello, registered, repoInfo, storeEvent } from "../component/fixtures/messages"
import { ALICE, BOB, CAROL, DOC, runSession } from "./recording-fixtures"
import { chosenPeers, replayCandidates } from "../../devtools-panel/recording/replay-peers"
import { apply } from "../../devtools-panel/state/apply"

async function planned(options: { from?: number; speed?: number; peers?: ReadonlySet<string> } = {}): Promise<ReplayAction[]> {
  const { recording } = runSession({ acrossReloads: false })
  const travel = await TimeTravel.build(indexSteps(recording))
  const from = options.from ?? 0
  return planReplay(
    travel.index,
    { repoId: "r1", docId: DOC, from, fromState: travel.stateAt(from) },
    { docId: "room:target", visibility: "local", speed: options.speed ?? 1, ...(options.peers ? { peers: options.peers } : {}) },
  )
}

describe("replay plan", () => {
  it("turns each recorded peer's visit into a simulated peer following its values", async () => {
    const actions = await planned()
    const adds = actions.filter(action => action.kind === "add")
    expect(adds.map(action => action.kind === "add" && action.spec.name)).toEqual(["alice (replay)", "bob (replay)", "carol (replay)"])
    const carol = actions.find(action => action.kind === "add" && action.spec.name === "carol (replay)")!
    // Carol arrives 59 ms in; her cursor moves twice after, at the page's times relative to her arrival.
    expect(carol).toMatchObject({ at: 59 })
    expect(carol.kind === "add" && carol.spec).toEqual({
      name: "carol (replay)",
      docId: "room:target",
      visibility: "local",
      namespaces: {
        presence: { value: { name: "carol" }, behaviour: { kind: "static" } },
        cursor: {
          value: { x: 10, y: 10 },
          behaviour: {
            kind: "keyframes",
            frames: [
              { at: 41, value: { x: 11, y: 11 } },
              { at: 46, value: { x: 12, y: 12 } },
            ],
          },
        },
      },
    })
    // A namespace that starts during a visit is an update of that peer.
    const bobAdd = actions.find(action => action.kind === "add" && action.spec.name === "bob (replay)")!
    expect(actions.filter(action => action.kind === "update")).toEqual([
      {
        at: 159,
        kind: "update",
        visit: bobAdd.visit,
        namespace: "typing",
        spec: { value: { typing: true }, behaviour: { kind: "static" } },
      },
    ])
    // Bob leaves: his peer is removed at the recorded time.
    const bob = actions.find(action => action.kind === "add" && action.spec.name === "bob (replay)")!
    expect(actions.find(action => action.kind === "remove" && action.visit === bob.visit)).toMatchObject({ at: 349 - 90 })
    expect(actions.map(action => action.at)).toEqual([...actions.map(action => action.at)].sort((a, b) => a - b))
  })

  it("starts from the cursor's values and runs faster at higher speeds", async () => {
    const slow = await planned()
    const fast = await planned({ speed: 4 })
    expect(fast.map(action => action.at)).toEqual(slow.map(action => Math.max(0, action.at / 4)))
    const later = await planned({ from: 6 })
    const names = later.filter(action => action.kind === "add").map(action => action.kind === "add" && action.spec.name)
    expect(names).toEqual(["alice (replay)", "bob (replay)", "carol (replay)"])
    expect(later.find(action => action.kind === "add" && action.spec.name === "carol (replay)")).toMatchObject({
      at: 0,
      spec: { namespaces: { cursor: { value: { x: 12, y: 12 } } } },
    })
  })

  it("replays only the chosen peers; by default not the recorded page's own peer nor a service", async () => {
    const only = await planned({ peers: new Set([CAROL]) })
    expect(only.filter(action => action.kind === "add").map(action => action.kind === "add" && action.spec.name)).toEqual([
      "carol (replay)",
    ])
    expect(new Set(only.map(action => action.visit)).size).toBe(1)

    const { recording } = runSession({ acrossReloads: false })
    const travel = await TimeTravel.build(indexSteps(recording))
    // A server publishing its own state in the room, as the app's hub does.
    const HUB = "900"
    const withServer = apply(
      travel.final,
      batch(
        99,
        events(
          "r1",
          storeEvent("r1", DOC, "presence", "import", [entry(HUB, { type: "server", name: "hub", clients: 2 }, T0 + 500)], T0 + 500),
        ),
      ),
      T0 + 500,
    )
    const candidates = replayCandidates(withServer, "r1", DOC)
    expect(candidates.map(({ key, isSelf, role, byDefault }) => ({ key, isSelf, role, byDefault }))).toEqual([
      { key: ALICE, isSelf: true, role: "client", byDefault: false },
      // In this recording carol's entries reach the page through bob's channel: bob is the hub.
      { key: BOB, isSelf: false, role: "service", byDefault: false },
      { key: CAROL, isSelf: false, role: "client", byDefault: true },
      { key: HUB, isSelf: false, role: "service", byDefault: false },
    ])
    expect(candidates.find(candidate => candidate.key === HUB)?.why).toBe('it publishes type: "server"')
    expect([...chosenPeers(candidates, new Map())]).toEqual([CAROL])
    expect(
      [
        ...chosenPeers(
          candidates,
          new Map([
            [HUB, true],
            [CAROL, false],
          ]),
        ),
      ].sort(),
    ).toEqual([HUB])
  })

  it("sends long runs in windows the engine accepts", () => {
    const moves = Array.from({ length: 2_500 }, (_, i) =>
      storeEvent("r1", DOC, "cursor", "import", [entry(BOB, { x: i, y: i }, T0 + 100 + i)], T0 + 100 + i),
    )
    const { recording } = runSession({ acrossReloads: false }, [[T0 + 3_000, batch(4, events("r1", ...moves))]])
    const index = indexSteps(recording)
    return TimeTravel.build(index).then(travel => {
      const actions = planReplay(
        index,
        { repoId: "r1", docId: DOC, from: 0, fromState: travel.baseline },
        { docId: DOC, visibility: "network", speed: 1 },
      )
      const cursor = actions.filter(action => (action.kind === "update" && action.namespace === "cursor") || action.kind === "add")
      const frames = cursor.flatMap(action => {
        const spec = action.kind === "add" ? action.spec.namespaces.cursor : action.kind === "update" ? action.spec : undefined
        return spec?.behaviour.kind === "keyframes" ? [spec.behaviour.frames.length] : []
      })
      expect(frames.every(count => count <= MAX_FRAMES_PER_WINDOW)).toBe(true)
      expect(frames.reduce((a, b) => a + b, 0)).toBe(2_500)
    })
  })
})

describe("replayer", () => {
  afterEach(() => vi.useRealTimers())

  function peerInfo(id: string, name: string): SimulatedPeerInfo {
    return { id, name, docId: DOC, visibility: "local", namespaces: {}, paused: false, state: "live", channelId: 9000, createdAt: T0 }
  }

  it("adds peers on time, updates and removes them by the ids the page reports, and stops cleanly", async () => {
    const actions = await planned()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] })
    const transport = new MemoryTransport()
    const store = new PanelStore(transport, { schedule: () => {} })
    const replayer = new Replayer(store)
    replayer.start(actions, { repoId: "live-repo", docId: "room:target", visibility: "local" })
    const sent = () => transport.sentToPage()
    expect(sent()).toEqual([
      expect.objectContaining({
        type: "simulate/add",
        repoId: "live-repo",
        peers: [expect.objectContaining({ name: "alice (replay)" }), expect.objectContaining({ name: "bob (replay)" })],
      }),
    ])

    vi.advanceTimersByTime(60)
    expect(sent().at(-1)).toMatchObject({ type: "simulate/add", peers: [{ name: "carol (replay)" }] })
    // Bob's typing starts at 159 ms, before the page has said which id he got: it waits.
    vi.advanceTimersByTime(100)
    expect(sent().filter(message => message.type === "simulate/update")).toEqual([])
    transport.deliver(
      batch(1, {
        type: "simulate/state",
        repoId: "live-repo",
        keepOnClose: false,
        peers: [peerInfo("s1", "alice (replay)"), peerInfo("s2", "bob (replay)"), peerInfo("s3", "carol (replay)")],
      }),
    )
    store.flush()
    expect(replayer.alive).toBe(3)
    expect(sent().filter(message => message.type === "simulate/update")).toEqual([
      expect.objectContaining({ peerId: "s2", patch: { namespaces: { typing: expect.anything() } } }),
    ])

    vi.advanceTimersByTime(200)
    expect(sent().filter(message => message.type === "simulate/remove")).toEqual([expect.objectContaining({ peerId: "s2" })])
    expect(replayer.status).toBe("finished")

    // Stopping removes the replay's peers still alive (Bob is gone already), one by one: never remove-all.
    const before = sent().length
    replayer.stop()
    expect(sent().slice(before)).toEqual([
      expect.objectContaining({ type: "simulate/remove", repoId: "live-repo", peerId: "s1" }),
      expect.objectContaining({ type: "simulate/remove", repoId: "live-repo", peerId: "s3" }),
    ])
    expect(sent().some(message => message.type === "simulate/remove-all")).toBe(false)
    expect(replayer.status).toBe("idle")
  })

  it("leaves peers added by hand alone, even one with a replay peer's name, and removes its own peers whose ids come late", async () => {
    const actions = await planned()
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] })
    const transport = new MemoryTransport()
    const store = new PanelStore(transport, { schedule: () => {} })
    const byHand = peerInfo("h1", "alice (replay)")
    transport.deliver(
      batch(1, hello(), registered(repoInfo({ repoId: "live-repo" })), {
        type: "simulate/state",
        repoId: "live-repo",
        keepOnClose: false,
        peers: [byHand],
      }),
    )
    store.flush()
    const replayer = new Replayer(store)
    replayer.start(actions, { repoId: "live-repo", docId: "room:target", visibility: "local" })
    const sent = () => transport.sentToPage()
    // The replay's Alice gets a name of her own.
    expect(sent()[0]).toMatchObject({ type: "simulate/add", peers: [{ name: "alice (replay) #2" }, { name: "bob (replay)" }] })
    transport.deliver(
      batch(2, { type: "simulate/state", repoId: "live-repo", keepOnClose: false, peers: [byHand, peerInfo("s2", "bob (replay)")] }),
    )
    store.flush()
    expect(replayer.alive).toBe(1)

    // Stopped before the page reported Alice #2's id: Bob goes now, Alice #2 once her id arrives.
    const before = sent().length
    replayer.stop()
    expect(sent().slice(before)).toEqual([expect.objectContaining({ type: "simulate/remove", peerId: "s2" })])
    transport.deliver(
      batch(3, { type: "simulate/state", repoId: "live-repo", keepOnClose: false, peers: [byHand, peerInfo("s1", "alice (replay) #2")] }),
    )
    store.flush()
    expect(sent().slice(before + 1)).toEqual([expect.objectContaining({ type: "simulate/remove", peerId: "s1" })])
    // The hand-added peer is never removed, and the sweep ends.
    vi.advanceTimersByTime(20_000)
    transport.deliver(
      batch(4, { type: "simulate/state", repoId: "live-repo", keepOnClose: false, peers: [byHand, peerInfo("s9", "bob (replay)")] }),
    )
    store.flush()
    expect(sent().filter(message => message.type === "simulate/remove" && message.peerId === "h1")).toEqual([])
    expect(sent().some(message => message.type === "simulate/remove-all")).toBe(false)
    expect(sent()).toHaveLength(before + 2)
  })

  it("stops with the page's message when the page refuses a request", async () => {
    const actions = await planned()
    const transport = new MemoryTransport()
    const store = new PanelStore(transport, { schedule: () => {} })
    const replayer = new Replayer(store)
    replayer.start(actions, { repoId: "live-repo", docId: "room:target", visibility: "local" })
    const add = transport.sentToPage()[0]!
    transport.deliver(
      batch(1, {
        type: "simulate/error",
        requestId: add.type === "simulate/add" ? add.requestId : "",
        message: 'peers[0].docId: the repo has no document "room:target"',
        code: "unknown-doc",
      }),
    )
    store.flush()
    expect(replayer.status).toBe("idle")
    expect(replayer.error).toBe('The page refused the replay: peers[0].docId: the repo has no document "room:target"')
    replayer.stop()
  })
})
