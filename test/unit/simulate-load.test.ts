/**
 * The load target: 50 simulated peers moving their cursors at 30 Hz in one
 * page, network-wide (so every update is also relayed through a hub to a
 * second spoke). A functional check that the engine keeps up, not a timing
 * assertion: it counts the updates the app's store applied.
 */
import { performance } from "node:perf_hooks"
import { Bridge, BridgeAdapter, Repo } from "@loro-extended/repo"
import { afterEach, describe, expect, it } from "vitest"
import { createSimulationEngine } from "../../injected/simulate/engine"
import type { SimulatedPeerSpec } from "../../protocol/simulate"
import { docIdForRoom, openRoom } from "../../demo/shared/room"

const DOC_ID = docIdForRoom("load")
const PEERS = 50
const RATE_HZ = 30
const RUN_MS = 2000

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setImmediate(resolve))
  }
}

function repo(name: string, adapters: BridgeAdapter[]): Repo {
  const created = new Repo({ identity: { name }, adapters })
  cleanups.push(() => {
    created.synchronizer.stopHeartbeat()
    created.reset()
  })
  return created
}

/** Counts, per simulated key, the updates a store applied from the network. */
function countImports(target: Repo, ids: Set<string>): () => number {
  let applied = 0
  const store = target.synchronizer.getOrCreateNamespacedStore(DOC_ID, "cursor")
  const unsubscribe = store.subscribe(event => {
    if (event.by !== "import") return
    for (const key of [...event.added, ...event.updated]) if (ids.has(key)) applied++
  })
  cleanups.push(unsubscribe)
  return () => applied
}

describe("simulation load", () => {
  it(`keeps up with ${PEERS} peers at ${RATE_HZ} Hz`, async () => {
    const bridgeA = new Bridge()
    const bridgeB = new Bridge()
    repo("hub", [
      new BridgeAdapter({ bridge: bridgeA, adapterType: "hub-a" }),
      new BridgeAdapter({ bridge: bridgeB, adapterType: "hub-b" }),
    ])
    const a = repo("alice", [new BridgeAdapter({ bridge: bridgeA, adapterType: "spoke-a" })])
    const b = repo("bob", [new BridgeAdapter({ bridge: bridgeB, adapterType: "spoke-b" })])
    const handleA = openRoom(a, "load")
    const handleB = openRoom(b, "load")
    handleA.presence.setSelf({ name: "alice", color: "#f00" })
    await Promise.all([handleA.waitForSync({ timeout: 5000 }), handleB.waitForSync({ timeout: 5000 })])

    const engine = createSimulationEngine(a)
    cleanups.push(() => engine.dispose())
    const specs: SimulatedPeerSpec[] = Array.from({ length: PEERS }, (_, index) => ({
      name: `walker-${index}`,
      docId: DOC_ID,
      visibility: "network",
      namespaces: {
        presence: { value: { name: `walker-${index}`, color: "#0a0" }, behaviour: { kind: "static" } },
        cursor: {
          value: { x: 400, y: 300 },
          behaviour: { kind: "random-walk", rateHz: RATE_HZ, step: 12, bounds: { x: [0, 800], y: [0, 600] } },
        },
      },
    }))
    const ids = new Set(engine.addPeers(specs).map(peer => peer.id))
    const appliedInA = countImports(a, ids)
    const appliedInB = countImports(b, ids)
    await until(() => engine.list().every(peer => peer.state === "live"), "every peer to go live")

    const before = { a: appliedInA(), b: appliedInB(), entries: engine.stats().entries, ticks: engine.stats().ticks }
    // The page must stay responsive: measure how late a 10 ms timer fires meanwhile.
    let worstLagMs = 0
    let expected = performance.now() + 10
    const probe = setInterval(() => {
      const now = performance.now()
      worstLagMs = Math.max(worstLagMs, now - expected)
      expected = now + 10
    }, 10)
    const utilisationStart = performance.eventLoopUtilization()
    const startedAt = performance.now()
    await new Promise(resolve => setTimeout(resolve, RUN_MS))
    const elapsedMs = performance.now() - startedAt
    const utilisation = performance.eventLoopUtilization(utilisationStart).utilization
    clearInterval(probe)

    const stats = engine.stats()
    const delivered = stats.entries - before.entries
    const applied = appliedInA() - before.a
    await until(() => appliedInB() - before.b >= applied, "B to receive every relayed update", 2000).catch(() => undefined)
    const relayed = appliedInB() - before.b
    const nominal = (PEERS * RATE_HZ * elapsedMs) / 1000
    const perSecond = (applied * 1000) / elapsedMs
    console.info(
      `[simulate-load] ${PEERS} peers x ${RATE_HZ} Hz for ${Math.round(elapsedMs)} ms: ` +
        `${applied} updates applied in A (${Math.round(perSecond)}/s, ${Math.round((applied / nominal) * 100)}% of nominal), ` +
        `${relayed} in B via the hub; ${stats.ticks - before.ticks} ticks, ${stats.frames} frames in all; ` +
        `event loop ${Math.round(utilisation * 100)}% busy, worst timer lag ${Math.round(worstLagMs)} ms; ` +
        `resent ${stats.resent}, refused ${stats.refused}`,
    )

    // Keeping up, without betting on this machine's timers: every tick moved every
    // peer, everything handed over was applied in A and relayed to B, nothing refused.
    const ticksRun = stats.ticks - before.ticks
    expect(delivered).toBeGreaterThanOrEqual((ticksRun - 1) * PEERS)
    expect(applied).toBe(delivered)
    expect(relayed).toBe(applied)
    expect(stats.refused).toBe(0)
    // A scheduler that stalls entirely would still fail here, even on a very slow machine.
    expect(applied).toBeGreaterThanOrEqual(nominal * 0.25)
  }, 20_000)
})
