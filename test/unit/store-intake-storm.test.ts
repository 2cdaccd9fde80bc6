/**
 * Store events as bytes, end to end: the page hook writes each store call
 * with the bytes it had (never reading a store back), and the panel's
 * intake (its transport, fromWire) applies them to replicas by the store's
 * rules. Real @loro-extended/repo repos, a hub and three spokes on the
 * library's Bridge, go through storms of bursts (several writes in one
 * millisecond), deletes, heartbeats, reconnects, lag past a short timeout
 * and its expiry, several documents, a store created after registration
 * and a repo registered after it already held data. After every round the
 * panel's replica of every store must equal the store entry by entry,
 * timestamps included, and its live entries must equal getAllStates().
 * The clock is faked (Date and intervals: heartbeats and expiry run when
 * the test moves time); delivery is real.
 */
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import { EphemeralStore } from "loro-crdt"
import { afterEach, describe, expect, it, vi } from "vitest"
import { storeKey } from "../../codec/event-tape/store-intake"
import { decodeEphemeralStore, type DecodedEntry } from "../../codec/loro-ephemeral/ephemeral-codec"
import { liveEntries, sentEntries } from "../../codec/loro-ephemeral/store-replica"
import { fromWire, StreamIntakes } from "../../devtools-panel/transport/transport"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import { canonicalJson } from "../e2e/support/canonical-json"

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

interface PageStore {
  encodeAll(): Uint8Array
  getAllStates(): Record<string, unknown>
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
const fields = (entry: DecodedEntry) => ({ key: entry.key, deleted: entry.deleted, timestamp: entry.timestamp, value: entry.value ?? null })

const repos: Repo[] = []
const disposals: Array<() => void> = []
afterEach(() => {
  for (const dispose of disposals.splice(0)) dispose()
  for (const repo of repos.splice(0)) repo.synchronizer.stopHeartbeat()
  vi.useRealTimers()
})

describe("store events as bytes, through the panel's replicas", () => {
  it("starts a store registered with entries already in it from its full encode", () => {
    const transport = memoryTransport()
    const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
    disposals.push(dispose)
    transport.deliver({ type: "panel/subscribe" })
    const app = new Repo({ identity: { name: "app" } })
    repos.push(app)
    hook.register(app, { label: "app" })
    const store = new EphemeralStore(60_000)
    store.set("typing", true)
    store.set("gone", 1)
    store.delete("gone")
    app.synchronizer.registerExternalStore(ROOM, "typing", store)
    hook.flush()
    const intakes = new StreamIntakes()
    for (const batch of transport.posted) fromWire({ type: "background/page-batch", seq: batch.seq, batchJson: batch.batchJson }, intakes)
    const replica = intakes.page.replicas(hook.repos()[0]!.repoId).get(storeKey(ROOM, "typing"))!
    expect(sentEntries(replica, Date.now()).map(fields)).toEqual(decodeEphemeralStore(store.encodeAll()).map(fields).sort(byKey))
    expect(Object.fromEntries(liveEntries(replica).map(e => [e.key, e.value]))).toEqual(store.getAllStates())
    expect(sentEntries(replica, Date.now()).map(e => e.key)).toEqual(["gone", "typing"])
  })

  it("never sets a replica back when the relay resends an older batch", () => {
    const transport = memoryTransport()
    const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
    disposals.push(dispose)
    transport.deliver({ type: "panel/subscribe" })
    const app = new Repo({ identity: { name: "app" } })
    repos.push(app)
    hook.register(app, { label: "app" })
    const store = new EphemeralStore(60_000)
    app.synchronizer.registerExternalStore(ROOM, "cursor", store)
    hook.flush()
    store.set("alice", 1)
    hook.flush()
    const older = transport.posted.at(-1)!
    store.set("alice", 2)
    hook.flush()
    const intakes = new StreamIntakes()
    const receive = (batch: { seq: number; batchJson: string }) =>
      fromWire({ type: "background/page-batch", seq: batch.seq, batchJson: batch.batchJson }, intakes)
    for (const batch of transport.posted) receive(batch)
    // The background restarted before the panel's acknowledgement of `older` reached it.
    const [resent] = receive(older)
    const replica = intakes.page.replicas(hook.repos()[0]!.repoId).get(storeKey(ROOM, "cursor"))!
    expect(Object.fromEntries(liveEntries(replica).map(e => [e.key, e.value]))).toEqual({ alice: 2 })
    // Still passed on, with its seq, for the reducer to refuse as a repeat.
    expect(resent).toMatchObject({ type: "background/page-batch", batch: { seq: older.seq } })
  })

  it("keep every replica equal to its page store through storms", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] })
    vi.setSystemTime(T0)
    const rand = random(18)
    const transport = memoryTransport()
    const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
    disposals.push(dispose)
    transport.deliver({ type: "panel/subscribe" })
    const intakes = new StreamIntakes()
    let delivered = 0
    const storeEvents = { local: 0, import: 0, timeout: 0 }

    const repo = (name: string, type: "user" | "service" = "user") => {
      const created = new Repo({ identity: { name, type } })
      repos.push(created)
      return created
    }
    const hub = repo("hub", "service")
    const spokes = { alice: repo("alice"), bob: repo("bob"), carol: repo("carol") }
    const everyone = { hub, ...spokes }
    const registered = new Map<string, Repo>()
    const register = (name: keyof typeof everyone) => {
      hook.register(everyone[name], { label: name })
      const info = hook.repos().find(r => r.label === name)!
      registered.set(info.repoId, everyone[name])
    }
    for (const name of ["hub", "alice", "bob"] as const) register(name)

    /** Real macrotasks until the taps saw no call for a few of them: the bridges deliver in microtasks. */
    const quiet = async () => {
      const calls = () => hook.stats().repos.reduce((sum, r) => sum + Object.values(r.counts).reduce((a, b) => a + b, 0), 0)
      let last = -1
      let still = 0
      while (still < 3) {
        await new Promise(resolve => setTimeout(resolve, 0))
        const now = calls()
        still = now === last ? still + 1 : 0
        last = now
      }
    }

    const mismatches: string[] = []
    let compared = 0
    /** What the hook posted so far goes through the panel's transport; then every replica is compared with its store. */
    const check = (when: string) => {
      hook.flush()
      for (const batch of transport.posted.slice(delivered)) {
        for (const message of fromWire({ type: "background/page-batch", seq: batch.seq, batchJson: batch.batchJson }, intakes)) {
          if (message.type !== "background/page-batch") throw new Error(`unreadable batch: ${JSON.stringify(message)}`)
          for (const inner of message.batch.messages) {
            if (inner.type !== "repo/events") continue
            for (const event of inner.events) {
              if (event.kind === "store") storeEvents[event.by as keyof typeof storeEvents]++
              expect(event.kind).not.toBe("store-op")
            }
          }
        }
      }
      delivered = transport.posted.length
      for (const [repoId, page] of registered) {
        const replicas = intakes.page.replicas(repoId)
        const stores = page.synchronizer.docNamespacedStores as unknown as Map<string, Map<string, PageStore>>
        for (const [docId, byNamespace] of stores) {
          for (const [namespace, store] of byNamespace) {
            const replica = replicas.get(storeKey(docId, namespace))
            const label = `${repoId} ${docId}/${namespace} ${when}`
            if (!replica) {
              mismatches.push(`${label}: no replica`)
              continue
            }
            const sent = sentEntries(replica, Date.now())
            const expected = canonicalJson(sent.map(fields))
            const actual = canonicalJson(decodeEphemeralStore(store.encodeAll()).map(fields).sort(byKey))
            const expectedStates = canonicalJson(Object.fromEntries(liveEntries(replica).map(e => [e.key, e.value])))
            const actualStates = canonicalJson(store.getAllStates())
            compared += sent.length
            if (expected !== actual || expectedStates !== actualStates)
              mismatches.push(`${label}:\n  replica ${expected} ${expectedStates}\n  store   ${actual} ${actualStates}`)
          }
        }
      }
    }

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
      await quiet()
    }
    const disconnect = async (name: keyof typeof spokes) => {
      const link = links.get(name)!
      await spokes[name].removeAdapter(link.spokeSide)
      await hub.removeAdapter(link.hubSide)
      await quiet()
    }

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
      // Carol writes before she is registered: her replicas start from the full encode in repo/registered.
    ;(rooms.carol as any).presence.setSelf({ name: "carol", x: 0 })
    await quiet()
    register("carol")
    check("at carol's registration")

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
        // A second document, and a store registered after the repos were.
        laterRoomOpen = true
        for (const name of ["alice", "bob"] as const) {
          ;(spokes[name].get(LATER_ROOM, DocShape, { presence: Presence }) as any).presence.setSelf({ name, x: 1 })
        }
        spokes.bob.synchronizer.registerExternalStore(LATER_ROOM, "typing", new EphemeralStore(EXPIRING_TIMEOUT))
      }
      if (laterRoomOpen && rand() < 0.2)
        (spokes.bob.synchronizer.getNamespacedStore(LATER_ROOM, "typing") as any).set(peerId("bob"), rand() < 0.5)
      await quiet()
      check(`after round ${round}`)
    }

    expect(mismatches.slice(0, 5)).toEqual([])
    expect(mismatches).toHaveLength(0)
    // The storm had every ingredient, and the checks compared real entries.
    expect(storeEvents.local).toBeGreaterThan(100)
    expect(storeEvents.import).toBeGreaterThan(100)
    expect(storeEvents.timeout).toBeGreaterThan(0)
    expect(compared).toBeGreaterThan(2_000)
    expect(
      intakes.page.replicas([...registered.keys()].find(id => registered.get(id) === spokes.bob)!).has(storeKey(LATER_ROOM, "typing")),
    ).toBe(true)
  }, 180_000)
})
