/**
 * Replay from any point of a recording: before anything moves, the replayed
 * peers hold exactly the recording's own state at that point (every chosen
 * peer, every namespace), written by the real simulation engine into a real
 * repo; from there the replay continues to the recording's end state.
 */
import { Repo } from "@loro-extended/repo"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { FixtureAction } from "../../protocol/fixture"
import { FIXTURE_FORMAT, FIXTURE_VERSION } from "../../protocol/fixture"
import { planReplay } from "../../devtools-panel/recording/replay-plan"
import { indexSteps } from "../../devtools-panel/recording/steps"
import { TimeTravel } from "../../devtools-panel/recording/time-travel"
import type { PanelState } from "../../devtools-panel/state/panel-state"
import { replayFixture } from "../../injected/simulate/fixture-player"
import { openRoomDoc, type RoomHandle } from "../../demo/shared/room"
import { ALICE, CAROL, DOC, runSession } from "./recording-fixtures"

const NAMESPACES = ["presence", "cursor", "typing"] as const
type PeerValues = Record<string, Record<string, unknown>>

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The recording's own values of a room at a point, by recorded peer, leaving out `except`. */
function recordedValues(state: PanelState, repoId: string, except: string): PeerValues {
  const values: PeerValues = {}
  for (const [namespace, entries] of state.repos.get(repoId)?.rooms.get(DOC)?.namespaces ?? []) {
    for (const entry of entries.values()) {
      if (entry.deleted || entry.key === except) continue
      values[entry.key] ??= {}
      values[entry.key]![namespace] = entry.value
    }
  }
  return values
}

/** What a repo holds for the replayed peers, by the recorded peer each one replays. */
function replayedValues(repo: Repo, actions: readonly FixtureAction[], peers: ReadonlyMap<string, string>): PeerValues {
  const values: PeerValues = {}
  for (const action of actions) {
    const id = action.kind === "add" ? peers.get(action.visit) : undefined
    if (action.kind !== "add" || id === undefined) continue
    for (const namespace of NAMESPACES) {
      const value = repo.synchronizer.getNamespacedStore(DOC, namespace)?.getAllStates()[id]
      if (value === undefined) continue
      values[action.recordedId] ??= {}
      values[action.recordedId]![namespace] = value
    }
  }
  return values
}

async function until(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`waiting for ${what}`)
    },
    { timeout: 5000, interval: 1 },
  )
}

/** Every peer that wrote in the room (those gone too), but one. */
function everyoneBut(state: PanelState, repoId: string, except: string): Set<string> {
  const keys = new Set<string>()
  for (const entries of state.repos.get(repoId)?.rooms.get(DOC)?.namespaces.values() ?? [])
    for (const key of entries.keys()) if (key !== except) keys.add(key)
  return keys
}

function liveRepo(): { repo: Repo; handle: RoomHandle } {
  const repo = new Repo({ identity: { name: "live page" }, adapters: [] })
  const handle = openRoomDoc(repo, DOC)
  cleanups.push(() => {
    repo.synchronizer.stopHeartbeat()
    repo.reset()
  })
  return { repo, handle }
}

/** Whether `values` holds every peer and namespace `like` does (whatever their values). */
function covers(values: PeerValues, like: PeerValues): boolean {
  return Object.entries(like).every(([key, namespaces]) => Object.keys(namespaces).every(ns => values[key]?.[ns] !== undefined))
}

describe("replay from a point of the recording", () => {
  it("first sets every replayed peer to the recording's state at that point, at every point", async () => {
    const { recording } = runSession({ acrossReloads: false })
    const travel = await TimeTravel.build(indexSteps(recording))
    // The recording's first repo ("r1") until the reload: every position it lives through.
    const positions = Array.from({ length: travel.index.total + 1 }, (_, p) => p).filter(p => travel.stateAt(p).repos.get("r1"))
    expect(positions.length).toBeGreaterThan(5)
    const others = everyoneBut(travel.stateAt(positions.at(-1)!), "r1", ALICE)
    let differentStates = 0
    let previous = ""
    for (const from of positions) {
      const fromState = travel.stateAt(from)
      const expected = recordedValues(fromState, "r1", ALICE)
      if (JSON.stringify(expected) !== previous) differentStates++
      previous = JSON.stringify(expected)
      const actions = planReplay(
        travel.index,
        { repoId: "r1", docId: DOC, from, fromState },
        { docId: DOC, visibility: "local", speed: 1, peers: others },
      )
      const { repo, handle } = liveRepo()
      // At the recorded speed: what followed the point comes a millisecond after the start at the earliest.
      const replay = replayFixture(repo, { format: FIXTURE_FORMAT, version: FIXTURE_VERSION, docId: DOC, actions })
      cleanups.push(() => replay.stop())
      // Every state the repo goes through, kept as it changes.
      const seen: PeerValues[] = []
      const stops = NAMESPACES.map(namespace =>
        handle[namespace].raw.subscribe(() => seen.push(replayedValues(repo, actions, replay.peers))),
      )
      await until(() => seen.some(values => covers(values, expected)), `the replayed peers from ${from}`)
      for (const stop of stops) stop()
      expect(
        seen.find(values => covers(values, expected)),
        `replay from position ${from}`,
      ).toEqual(expected)
      await replay.stop()
    }
    // The points differ from each other: this is not one state checked many times.
    expect(differentStates).toBeGreaterThan(3)
  })

  it("then continues from that point to the recording's end state", async () => {
    const { recording } = runSession({ acrossReloads: false })
    const travel = await TimeTravel.build(indexSteps(recording))
    const lastOfR1 = Array.from({ length: travel.index.total + 1 }, (_, p) => p)
      .filter(p => travel.stateAt(p).repos.get("r1"))
      .at(-1)!
    const others = everyoneBut(travel.stateAt(lastOfR1), "r1", ALICE)
    // Carol has joined and moved once; bob types and leaves later.
    const from = Array.from({ length: lastOfR1 }, (_, p) => p).find(p => {
      const values = recordedValues(travel.stateAt(p), "r1", ALICE)
      return (values[CAROL]?.cursor as { x?: number } | undefined)?.x === 11
    })!
    expect(from).toBeGreaterThan(0)
    const actions = planReplay(
      travel.index,
      { repoId: "r1", docId: DOC, from, fromState: travel.stateAt(from) },
      { docId: DOC, visibility: "local", speed: 1, peers: others },
    )
    const { repo } = liveRepo()
    const replay = replayFixture(repo, { format: FIXTURE_FORMAT, version: FIXTURE_VERSION, docId: DOC, actions })
    cleanups.push(() => replay.stop())
    await replay.done
    const end = recordedValues(travel.stateAt(lastOfR1), "r1", ALICE)
    expect(Object.keys(end)).toEqual([CAROL])
    // The last keyframes reach the repo on the engine's next tick.
    await vi.waitFor(() => expect(replayedValues(repo, actions, replay.peers)).toEqual(end), { timeout: 5000, interval: 5 })
  })
})
