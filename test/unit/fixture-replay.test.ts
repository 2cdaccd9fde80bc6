/**
 * A recording exported as a test fixture and replayed into real repos: the
 * example of how an app's own Node tests use a recorded session. The fixture
 * file in test/fixtures is exactly what the export makes of the recording
 * fixture below (checked here, so it cannot drift); the replay runs through
 * the real protocol into a client repo behind a hub that runs the demo's own
 * server code, and the test asserts what the app then shows.
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { Bridge, BridgeAdapter, Repo } from "@loro-extended/repo"
import { afterEach, describe, expect, it, vi } from "vitest"
import { fixtureOf, fixtureText } from "../../devtools-panel/recording/fixture-export"
import { indexSteps } from "../../devtools-panel/recording/steps"
import { TimeTravel } from "../../devtools-panel/recording/time-travel"
import { readFixture, replayFixture } from "../../injected/simulate/fixture-player"
import { publishRoomStats } from "../../demo/server/room-stats"
import { openRoom, type RoomHandle, type ServerPresence } from "../../demo/shared/room"
import { BOB, CAROL, DOC, runSession } from "./recording-fixtures"

const FIXTURE_FILE = resolve(import.meta.dirname, "../fixtures/lobby-session.fixture.json")

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function until(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`waiting for ${what}`)
    },
    { timeout: 5000, interval: 5 },
  )
}

async function exportedText(): Promise<string> {
  const { recording } = runSession({ acrossReloads: false })
  const index = indexSteps(recording)
  const travel = await TimeTravel.build(index)
  const fixture = fixtureOf({
    index,
    repoId: "r1",
    docId: DOC,
    from: 0,
    fromState: travel.stateAt(0),
    finalState: travel.final,
    peers: new Set([BOB, CAROL]),
    recordedAt: recording.meta.startedAt,
    extensionVersion: recording.meta.extensionVersion,
  })
  return fixtureText(fixture)
}

/** The app: a hub publishing its server presence, client A (where the fixture plays) and client B. */
async function app(): Promise<{ a: Repo; roomA: RoomHandle; roomB: RoomHandle; hubId: string }> {
  const toA = new Bridge()
  const toB = new Bridge()
  const hub = new Repo({
    identity: { name: "hub", type: "service" },
    adapters: [new BridgeAdapter({ bridge: toA, adapterType: "hub-a" }), new BridgeAdapter({ bridge: toB, adapterType: "hub-b" })],
  })
  const stopStats = publishRoomStats(hub, "hub")
  const a = new Repo({ identity: { name: "ann" }, adapters: [new BridgeAdapter({ bridge: toA, adapterType: "a" })] })
  const b = new Repo({ identity: { name: "ben" }, adapters: [new BridgeAdapter({ bridge: toB, adapterType: "b" })] })
  cleanups.push(() => {
    stopStats()
    for (const repo of [hub, a, b]) {
      repo.synchronizer.stopHeartbeat()
      repo.reset()
    }
  })
  const roomA = openRoom(a, "lobby")
  const roomB = openRoom(b, "lobby")
  roomA.presence.setSelf({ name: "ann", color: "#f00" })
  roomB.presence.setSelf({ name: "ben", color: "#00f" })
  await Promise.all([roomA.waitForSync({ timeout: 5000 }), roomB.waitForSync({ timeout: 5000 })])
  return { a, roomA, roomB, hubId: hub.identity.peerId }
}

describe("a recording exported as a test fixture", () => {
  it("is the committed fixture file, byte for byte", async () => {
    expect(await exportedText()).toBe(readFileSync(FIXTURE_FILE, "utf8"))
  })

  it("replays into real repos: the app's server counts the replayed clients, and their last values arrive under fresh ids", async () => {
    const { a, roomB, hubId } = await app()
    const replay = replayFixture(a, JSON.parse(readFileSync(FIXTURE_FILE, "utf8")), { visibility: "network", speed: 0.25 })
    cleanups.push(() => replay.stop())
    const presenceAtB = () => roomB.presence.peers as Map<string, { name?: string; type?: string; clients?: number }>
    // The replayed peers write what was recorded ({name: "bob"}) under the ids the player gives them.
    const idOf = (recordedName: string) => replay.peers.get(recordedName === "bob" ? "visit-2" : "visit-3")

    // At a quarter of the recorded pace (the recording is a few hundred ms long). Mid-way
    // (a short window: watched on every change, not polled), bob's replayed peer types
    // as recorded, and the hub counts ann, ben, bob and carol.
    const seen = { bobTyping: false, fourClients: false }
    const look = () => {
      const bob = idOf("bob")
      if (bob !== undefined && roomB.typing.peers.get(bob)?.typing === true) seen.bobTyping = true
      if ((presenceAtB().get(hubId) as ServerPresence | undefined)?.clients === 4) seen.fourClients = true
    }
    const stops = [roomB.typing.raw.subscribe(look), roomB.presence.raw.subscribe(look)]
    cleanups.push(() => {
      for (const stop of stops) stop()
    })

    await replay.done
    expect(seen).toEqual({ bobTyping: true, fourClients: true })
    const carol = idOf("carol")!
    const bob = idOf("bob")!
    expect([carol, bob]).not.toContain(CAROL)
    expect([carol, bob]).not.toContain(BOB)
    expect(presenceAtB().get(carol)).toEqual({ name: "carol" })
    await until(() => roomB.cursor.peers.get(carol)?.x === 12, "carol's last cursor at B")
    expect(roomB.cursor.peers.get(carol)).toEqual({ x: 12, y: 12 })
    // Bob left in the recording: his replayed peer left too, and the server counts three.
    await until(() => !presenceAtB().has(bob), "bob gone at B")
    await until(() => (presenceAtB().get(hubId) as ServerPresence | undefined)?.clients === 3, "the hub to count three clients")

    await replay.stop()
    await until(() => !presenceAtB().has(carol), "carol gone once the replay stops")
  })

  it("refuses what is not a fixture, in words", () => {
    expect(() => readFixture({ format: "something-else" })).toThrow(/Not a presence fixture/)
    expect(() => readFixture({ format: "ephemera-presence-fixture", version: 9, docId: "d", actions: [] })).toThrow(
      /version 9 is not supported/,
    )
    expect(() =>
      readFixture({ format: "ephemera-presence-fixture", version: 1, docId: "d", actions: [{ at: 0, visit: "v", kind: "jump" }] }),
    ).toThrow(/unknown kind "jump"/)
  })
})
