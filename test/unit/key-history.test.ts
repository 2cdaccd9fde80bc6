/**
 * A key's history over a real event stream: a hub and two spokes (alice,
 * bob) on the library's BridgeAdapter, the real hook on alice and bob, and
 * the panel's reducer fed with what the hook posted. Alice writes her cursor
 * twice in one millisecond; bob's store keeps the first (a tie loses), and
 * the hub then re-stamps its stale copy (what 5.4.2's heartbeat does) and
 * overwrites alice's own value with it.
 */
import { Repo, Shape } from "@loro-extended/repo"
import { beforeAll, describe, expect, it } from "vitest"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import { keyHistory, type HistoryStep } from "../../devtools-panel/log/key-history"
import { logRecords } from "../../devtools-panel/state/event-log"
import type { PanelState } from "../../devtools-panel/state/panel-state"
import { linkThroughHub, panelStateOf, until } from "../support/hub-stream"

const ROOM = "room"
const DocShape = Shape.doc({ title: Shape.text() })
const Cursor = Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() })

interface Scenario {
  state: PanelState
  peers: { hub: string; alice: string; bob: string }
  repoIds: { alice: string; bob: string }
  burst: { ms: number; first: number; second: number }
}

/**
 * Two writes in one millisecond, x = 10k + 1 then 10k + 2 on attempt k;
 * retried until the clock did not tick in between. Returns the millisecond
 * and the two values written in it.
 */
function burst(write: (x: number) => void): { ms: number; first: number; second: number } {
  for (let attempt = 1; attempt <= 100; attempt++) {
    const edge = Date.now()
    while (Date.now() === edge) {
      // a fresh millisecond
    }
    const ms = Date.now()
    write(attempt * 10 + 1)
    write(attempt * 10 + 2)
    if (Date.now() === ms) return { ms, first: attempt * 10 + 1, second: attempt * 10 + 2 }
  }
  throw new Error("two writes never fit in one millisecond")
}

async function record(): Promise<Scenario> {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  const alice = new Repo({ identity: { name: "alice" } })
  const bob = new Repo({ identity: { name: "bob" } })
  try {
    hook.register(alice, { label: "alice" })
    hook.register(bob, { label: "bob" })
    // What the relay sends over the private channel, as it is.
    transport.deliver({ type: "panel/subscribe" })
    const rooms = {
      hub: hub.get(ROOM, DocShape, { cursor: Cursor }),
      alice: alice.get(ROOM, DocShape, { cursor: Cursor }),
      bob: bob.get(ROOM, DocShape, { cursor: Cursor }),
    }
    await linkThroughHub(hub, alice, bob)
    const aliceId = alice.identity.peerId
    const cursorAt = (room: typeof rooms.bob) => room.cursor.peers.get(aliceId)?.x

    rooms.alice.cursor.setSelf({ x: 0, y: 0 })
    await until(() => cursorAt(rooms.bob) === 0, "bob to see alice's first cursor")
    const written = burst(x => rooms.alice.cursor.setSelf({ x, y: 0 }))
    // A marker on the same path: once bob has it, every frame of the burst has reached him.
    rooms.alice.doc.title.insert(0, "after the burst")
    await until(() => rooms.bob.doc.title.toString() === "after the burst", "the marker")
    expect(cursorAt(rooms.bob)).toBe(written.first)
    expect(rooms.alice.cursor.self?.x).toBe(written.second)

    // The hub's heartbeat: touch() re-stamps every key of its store, and the store's change broadcasts it.
    const hubStore = hub.synchronizer.docNamespacedStores.get(ROOM)!.get("cursor")! as unknown as { touch(): void }
    hubStore.touch()
    await until(() => rooms.alice.cursor.self?.x === written.first, "alice's own cursor overwritten by the hub's re-stamp")

    hook.flush()
    const messages = transport.messages()
    const repoIdOf = (label: string) => hook.repos().find(repo => repo.label === label)!.repoId
    return {
      state: panelStateOf(messages),
      peers: { hub: hub.identity.peerId, alice: aliceId, bob: bob.identity.peerId },
      repoIds: { alice: repoIdOf("alice"), bob: repoIdOf("bob") },
      burst: written,
    }
  } finally {
    dispose()
    for (const repo of [hub, alice, bob]) repo.synchronizer.stopHeartbeat()
  }
}

const xOf = (step: HistoryStep) => (step.offered.value as { x: number } | undefined)?.x

describe("a key's history over a real hub and two spokes", () => {
  let scenario: Scenario
  beforeAll(async () => {
    scenario = await record()
  }, 30_000)

  function historyAt(repo: "alice" | "bob"): HistoryStep[] {
    const { state, repoIds, peers } = scenario
    return keyHistory(
      logRecords(state.log),
      { repoId: repoIds[repo], docId: ROOM, namespace: "cursor", key: peers.alice },
      state.repos.get(repoIds[repo])!.info.peerId,
    )
  }

  it("at the receiver: the burst's first write accepted, the second refused as a tie, each with its writer and relay", () => {
    const { peers, burst } = scenario
    const steps = historyAt("bob")
    const first = steps.find(step => step.origin.kind === "frame" && xOf(step) === burst.first)!
    const second = steps.find(step => step.origin.kind === "frame" && xOf(step) === burst.second)!
    expect([first.offered.timestamp, second.offered.timestamp]).toEqual([burst.ms, burst.ms])
    expect(first).toMatchObject({ decision: "accepted", effect: "changed", writer: peers.alice, relayedBy: peers.hub })
    expect(first.origin).toMatchObject({ kind: "frame", sender: peers.alice, channelPeer: peers.hub })
    expect(first.restampedBy).toBeUndefined()
    const before = (first.before!.value as { x: number }).x
    expect(first.changes).toEqual([{ path: ["x"], kind: "changed", before, after: burst.first }])
    expect(second).toMatchObject({ decision: "refused-tie", effect: "none", writer: peers.alice, changes: [] })
    expect(second.before).toMatchObject({ value: { x: burst.first }, timestamp: burst.ms })
    // Bob's store holds the first write, as the panel's maps say too.
    expect(scenario.state.repos.get(scenario.repoIds.bob)!.rooms.get(ROOM)!.namespaces.get("cursor")!.get(peers.alice)!.value).toEqual({
      x: burst.first,
      y: 0,
    })
  })

  it("at the writer: both local writes taken, then its own value overwritten by the hub's re-stamped copy", () => {
    const { peers, burst } = scenario
    const steps = historyAt("alice")
    const local = steps.filter(step => step.origin.kind === "local" && step.offered.timestamp === burst.ms)
    expect(local.map(step => [xOf(step), step.decision, step.writer])).toEqual([
      [burst.first, "accepted", peers.alice],
      [burst.second, "accepted", peers.alice],
    ])
    const overwrite = steps.find(step => step.origin.kind === "frame" && step.decision === "accepted" && step.effect === "changed")!
    expect(overwrite).toMatchObject({ writer: peers.alice, restampedBy: peers.hub })
    expect(overwrite.origin).toMatchObject({ sender: peers.hub, channelPeer: peers.hub })
    expect(overwrite.offered.timestamp).toBeGreaterThan(burst.ms)
    expect(overwrite.changes).toEqual([{ path: ["x"], kind: "changed", before: burst.second, after: burst.first }])
  })

  it("marks the hub's re-stamp at the receiver too: same value, newer timestamp, taken as a re-stamp", () => {
    const { peers } = scenario
    const restamp = historyAt("bob").find(step => step.origin.kind === "frame" && step.restampedBy === peers.hub)!
    expect(restamp).toMatchObject({ decision: "accepted", effect: "restamped", changes: [] })
    expect(restamp.offered.value).toEqual({ x: scenario.burst.first, y: 0 })
  })
})
