/**
 * The panel's store replica (devtools-panel/replica/store-replica.ts) against
 * real @loro-extended/repo repos: a hub and three spokes on the library's
 * Bridge, storms of bursts (several writes in one millisecond), deletes,
 * heartbeats, reconnects, 2.5 s of lag and expiry in a short-timeout store,
 * several documents, stores created after watching began, and a repo watched
 * only after it already held data. After every call that may change a store,
 * the replica must equal the store entry by entry, timestamps included
 * (test/support/store-watch.ts). The clock is faked (Date and intervals, so
 * heartbeats and expiry run when the test moves time); delivery is real.
 */
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import { EphemeralStore } from "loro-crdt"
import { afterEach, describe, expect, it, vi } from "vitest"
import { applyImport, applyLocal, emptyReplica, liveEntries } from "../../codec/loro-ephemeral/store-replica"
import { encodeEphemeralEntries } from "../../codec/loro-ephemeral/ephemeral-encoder"
import { StormTally, watchRepo } from "../support/store-watch"

const T0 = 1_750_000_000_000
const ROOM = "room:a"
const LATER_ROOM = "room:b"
const EXPIRING_TIMEOUT = 2_000
const DocShape = Shape.doc({ title: Shape.text() })
const Presence = Shape.plain.struct({ name: Shape.plain.string(), x: Shape.plain.number() })

/** mulberry32: the same seed, the same storm. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Real macrotasks until no store call happened for a few of them: the bridges deliver in microtasks. */
async function quiet(tally: StormTally): Promise<void> {
  const calls = () => tally.calls.local + tally.calls.touch + tally.calls.import + tally.calls.expiry
  let last = -1
  let still = 0
  while (still < 3) {
    await new Promise(resolve => setTimeout(resolve, 0))
    const now = calls()
    still = now === last ? still + 1 : 0
    last = now
  }
}

const repos: Repo[] = []
afterEach(() => {
  for (const repo of repos.splice(0)) repo.synchronizer.stopHeartbeat()
  vi.useRealTimers()
})

describe("store replica rules", () => {
  const entry = (key: string, x: number, timestamp: number) => encodeEphemeralEntries([{ key, value: { x }, timestamp }])

  it("lets a local write overwrite, and an import win only when newer", () => {
    let replica = emptyReplica(10_000)
    replica = applyLocal(replica, entry("a", 1, 500)).replica
    // A local write with an older stamp still overwrites (the writer's own store does).
    replica = applyLocal(replica, entry("a", 2, 400)).replica
    expect(liveEntries(replica)).toMatchObject([{ key: "a", value: { x: 2 }, timestamp: 400 }])
    // An import with the same stamp loses; a newer one wins and keeps the sender's stamp.
    expect(applyImport(replica, entry("a", 3, 400), 1_000).changes.updated).toEqual([])
    const step = applyImport(replica, entry("a", 4, 401), 1_000)
    expect(step.changes.updated).toEqual(["a"])
    expect(liveEntries(step.replica)).toMatchObject([{ key: "a", value: { x: 4 }, timestamp: 401 }])
    // An import already older than the timeout by the holder's clock is dropped.
    expect(applyImport(replica, entry("b", 5, 1_000), 11_001).changes.added).toEqual([])
    expect(applyImport(replica, entry("b", 5, 1_000), 11_000).changes.added).toEqual(["b"])
  })
})

describe("store replica against real repos", () => {
  it("equals every store of every repo after every change, through storms", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] })
    vi.setSystemTime(T0)
    const rand = random(18)
    const tally = new StormTally()
    const repo = (name: string, type: "user" | "service" = "user") => {
      const created = new Repo({ identity: { name, type } })
      repos.push(created)
      return created
    }
    const hub = repo("hub", "service")
    const spokes = { alice: repo("alice"), bob: repo("bob"), carol: repo("carol") }
    const checks = [watchRepo("hub", hub, tally), watchRepo("alice", spokes.alice, tally), watchRepo("bob", spokes.bob, tally)]

    const links = new Map<string, { hubSide: string; spokeSide: string }>()
    let linkCount = 0
    const connect = async (name: keyof typeof spokes) => {
      const bridge = new Bridge()
      const id = ++linkCount
      const hubSide = new BridgeAdapter({ bridge, adapterType: `hub-${name}-${id}` })
      const spokeSide = new BridgeAdapter({ bridge, adapterType: `${name}-${id}` })
      await hub.addAdapter(hubSide)
      await spokes[name].addAdapter(spokeSide)
      links.set(name, { hubSide: hubSide.adapterId, spokeSide: spokeSide.adapterId })
      await quiet(tally)
    }
    const disconnect = async (name: keyof typeof spokes) => {
      const link = links.get(name)!
      await spokes[name].removeAdapter(link.spokeSide)
      await hub.removeAdapter(link.hubSide)
      await quiet(tally)
    }

    const everyone = { hub, ...spokes }
    const rooms = Object.fromEntries(
      Object.entries(everyone).map(([name, r]) => [name, r.get(ROOM, DocShape, { presence: Presence })]),
    ) as Record<keyof typeof everyone, ReturnType<Repo["get"]>>
    // A store with a short timeout, registered by the app: imports can arrive expired, and its timer expires entries.
    const cursors = Object.fromEntries(
      Object.entries(everyone).map(([name, r]) => {
        const store = new EphemeralStore(EXPIRING_TIMEOUT)
        r.synchronizer.registerExternalStore(ROOM, "cursors", store)
        return [name, store]
      }),
    ) as Record<keyof typeof everyone, EphemeralStore>
    const peerId = (name: keyof typeof everyone) => everyone[name].synchronizer.model.identity.peerId

    for (const name of ["alice", "bob", "carol"] as const)
      await connect(name)
      // Carol writes before she is watched: her repo is watched from one full encode, as at registration.
    ;(rooms.carol as any).presence.setSelf({ name: "carol", x: 0 })
    await quiet(tally)
    checks.push(watchRepo("carol", spokes.carol, tally))

    const names = ["alice", "bob", "carol"] as const
    let laterRoomOpen = false
    for (let round = 0; round < 120; round++) {
      const who = names[Math.floor(rand() * names.length)]!
      const presence = (rooms[who] as any).presence
      const roll = rand()
      if (roll < 0.3) {
        // A burst: several writes within one millisecond (the writer keeps the last, receivers the first).
        const count = 2 + Math.floor(rand() * 4)
        for (let i = 0; i < count; i++) presence.setSelf({ name: who, x: round * 10 + i })
      } else if (roll < 0.45) {
        cursors[who].set(peerId(who), { x: round })
      } else if (roll < 0.55) {
        // Lag: the clock moves on before the frame arrives, past the short timeout.
        cursors[who].set(peerId(who), { x: -round })
        vi.advanceTimersByTime(EXPIRING_TIMEOUT + 500)
      } else if (roll < 0.62) {
        presence.delete(peerId(who))
      } else if (roll < 0.7) {
        // Heartbeats: every repo re-stamps every key (touch) and sends it all.
        vi.advanceTimersByTime(10_000)
      } else if (roll < 0.76) {
        await disconnect(who)
        vi.advanceTimersByTime(Math.floor(rand() * 50))
        await connect(who)
      } else {
        vi.advanceTimersByTime(Math.floor(rand() * 40))
      }
      if (round === 50 && !laterRoomOpen) {
        // A second document, and a store registered after watching began.
        laterRoomOpen = true
        for (const name of ["alice", "bob"] as const) {
          ;(spokes[name].get(LATER_ROOM, DocShape, { presence: Presence }) as any).presence.setSelf({ name, x: 1 })
        }
        spokes.bob.synchronizer.registerExternalStore(LATER_ROOM, "typing", new EphemeralStore(EXPIRING_TIMEOUT))
      }
      if (laterRoomOpen && rand() < 0.2)
        (spokes.bob.synchronizer.getNamespacedStore(LATER_ROOM, "typing") as any).set(peerId("bob"), rand() < 0.5)
      await quiet(tally)
    }
    for (const check of checks) check()

    expect(tally.mismatches.slice(0, 5)).toEqual([])
    expect(tally.mismatches).toHaveLength(0)
    // The storm had every ingredient, and the checks compared real entries.
    expect(tally.calls.local).toBeGreaterThan(100)
    expect(tally.calls.touch).toBeGreaterThan(10)
    expect(tally.calls.import).toBeGreaterThan(100)
    expect(tally.calls.expiry).toBeGreaterThan(5)
    expect(tally.expired).toBeGreaterThan(0)
    expect(tally.snapshots).toBeGreaterThanOrEqual(2)
    expect(tally.created).toBeGreaterThanOrEqual(10)
    expect(tally.entries).toBeGreaterThan(2_000)
    // A stock store fed the same bytes does diverge: the replica's rules are what makes it match.
    expect(tally.stockMismatches).toBeGreaterThan(0)
    console.info(
      `replica checks: ${tally.checks}, entries compared: ${tally.entries}, mismatches: ${tally.mismatches.length}; ` +
        `stock store mismatched in ${tally.stockMismatches} checks; calls ${JSON.stringify(tally.calls)}; expired ${tally.expired}`,
    )
  }, 120_000)
})
