/**
 * What a room across tabs costs a tab it watches. The comparison needs each
 * tab's stores, not its events, so a watched tab's hook is asked for a
 * snapshot every SNAPSHOT_INTERVAL_MS instead of being subscribed. Measured
 * on bench 1's setup (a hub and two spokes in one process over the library's
 * BridgeAdapter, the hook on the sending spoke: the watched tab), three
 * variants interleaved round by round:
 *   - none:       no hook
 *   - idle:       the hook registered, no panel: what every tab with the extension pays
 *   - snapshots:  the hook registered, not subscribed, asked for a snapshot
 *                 every 500 ms; the answers validated and encoded as the relay
 *                 and port would
 *   - streaming:  the hook subscribed (what a full subscription would cost),
 *                 its batches validated and encoded likewise
 * and, on its own, the CPU time of one snapshot answer for a room of 3 and of
 * 50 peers, the relay side included.
 */
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import type { HookToRelayMessage } from "../protocol/messages"
import { checkHookToRelay } from "../protocol/validate"
import type { HookTransport } from "../injected/bridge/transport"
import { createHook, type HookHandle } from "../injected/hook/create-hook"
import { SNAPSHOT_INTERVAL_MS } from "../protocol/origin-tabs"
import { median } from "./stats"

export type WatchVariant = "none" | "idle" | "snapshots" | "streaming"
const VARIANTS: readonly WatchVariant[] = ["none", "idle", "snapshots", "streaming"]

export interface WatchedTabResult {
  updates: number
  rounds: number
  /** Median over rounds of the variant's updates/s over "idle"'s in the same round (what watching adds), by wall clock and by CPU time. */
  ratio: Record<WatchVariant, number>
  cpuRatio: Record<WatchVariant, number>
  /** CPU per update a full subscription adds to a registered hook (median of rounds), µs. */
  streamingUsPerUpdate: number
  /** CPU of one snapshot answer, µs, and its size in bytes, for rooms of 3 and 50 peers. */
  snapshot: Array<{ peers: number; us: number; bytes: number }>
}

const DOC = "bench-room"
const DocShape = Shape.doc({ notes: Shape.list(Shape.plain.string()) })
const Presence = Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() })

export async function benchWatchedTab(updates = 3_000, rounds = 9): Promise<WatchedTabResult> {
  const wall: Record<WatchVariant, number[]> = { none: [], idle: [], snapshots: [], streaming: [] }
  const cpu: Record<WatchVariant, number[]> = { none: [], idle: [], snapshots: [], streaming: [] }
  for (const variant of VARIANTS) await runOnce(variant, 300)
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!)) {
      const result = await runOnce(variant, updates)
      wall[variant].push(result.rate)
      cpu[variant].push(result.cpuRate)
    }
  }
  const ratioOf = (variant: WatchVariant, runs: Record<WatchVariant, number[]>) =>
    median(runs[variant].map((value, i) => value / runs.idle[i]!))
  const ratios = (runs: Record<WatchVariant, number[]>) =>
    Object.fromEntries(VARIANTS.map(variant => [variant, ratioOf(variant, runs)])) as Record<WatchVariant, number>
  const extraUs = median(cpu.streaming.map((rate, i) => 1e6 / rate - 1e6 / cpu.idle[i]!))
  return {
    updates,
    rounds,
    ratio: ratios(wall),
    cpuRatio: ratios(cpu),
    streamingUsPerUpdate: extraUs,
    snapshot: [await snapshotCost(3), await snapshotCost(50)],
  }
}

async function runOnce(variant: WatchVariant, updates: number): Promise<{ rate: number; cpuRate: number }> {
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  const watched = new Repo({ identity: { name: "watched" } })
  const receiver = new Repo({ identity: { name: "receiver" } })
  const page = variant === "none" ? undefined : benchPage()
  page?.handle.hook.register(watched, { label: "watched" })
  if (variant === "streaming") page?.relay({ type: "panel/subscribe" })
  const poll =
    variant === "snapshots"
      ? setInterval(() => page?.relay({ type: "panel/snapshot", requestId: "bench" }), SNAPSHOT_INTERVAL_MS)
      : undefined
  try {
    const from = watched.get(DOC, DocShape, { presence: Presence })
    const to = receiver.get(DOC, DocShape, { presence: Presence })
    hub.get(DOC, DocShape, { presence: Presence })
    const toWatched = new Bridge()
    const toReceiver = new Bridge()
    await hub.addAdapter(new BridgeAdapter({ bridge: toWatched, adapterType: "hub-to-watched" }))
    await hub.addAdapter(new BridgeAdapter({ bridge: toReceiver, adapterType: "hub-to-receiver" }))
    await watched.addAdapter(new BridgeAdapter({ bridge: toWatched, adapterType: "watched" }))
    await receiver.addAdapter(new BridgeAdapter({ bridge: toReceiver, adapterType: "receiver" }))
    const peerId = watched.identity.peerId
    from.presence.setSelf({ x: -1, y: 0 })
    await until(() => to.presence.peers.get(peerId)?.x === -1)
    const start = performance.now()
    const cpuStart = process.cpuUsage()
    for (let i = 0; i < updates; i++) {
      from.presence.setSelf({ x: i, y: i })
      await new Promise(resolve => setImmediate(resolve))
    }
    // A marker on a fresh millisecond: a tie would be refused by the receiver.
    const last = Date.now()
    while (Date.now() <= last) await new Promise(resolve => setTimeout(resolve, 1))
    from.presence.setSelf({ x: -2, y: 0 })
    await until(() => to.presence.peers.get(peerId)?.x === -2)
    const seconds = (performance.now() - start) / 1000
    const used = process.cpuUsage(cpuStart)
    page?.handle.hook.flush()
    return { rate: updates / seconds, cpuRate: updates / ((used.user + used.system) / 1e6) }
  } finally {
    clearInterval(poll)
    page?.handle.dispose()
    for (const repo of [hub, watched, receiver]) repo.synchronizer.stopHeartbeat()
  }
}

/** CPU per snapshot answer for a room of `peers` presence keys, the relay's check and the port's encoding included. */
async function snapshotCost(peers: number): Promise<{ peers: number; us: number; bytes: number }> {
  const repo = new Repo({ identity: { name: "watched" } })
  let bytes = 0
  const page = benchPage(size => (bytes = size))
  page.handle.hook.register(repo, { label: "watched" })
  try {
    const room = repo.get(DOC, DocShape, { presence: Presence })
    room.presence.setSelf({ x: 1, y: 2 })
    // Other peers' keys, as a store holds them after imports.
    const store = repo.synchronizer.docNamespacedStores.get(DOC)!.get("presence")!
    for (let i = 1; i < peers; i++) store.set(`peer-${i}`, { x: i, y: i })
    const requests = 2_000
    const cpuStart = process.cpuUsage()
    for (let i = 0; i < requests; i++) {
      page.relay({ type: "panel/snapshot", requestId: `s${i}` })
      page.handle.hook.flush()
    }
    const used = process.cpuUsage(cpuStart)
    return { peers, us: (used.user + used.system) / requests, bytes }
  } finally {
    page.handle.dispose()
    repo.synchronizer.stopHeartbeat()
  }
}

/** The hook on a channel stand-in whose posts pay what the relay and port would: a clone, the check, the encoding. */
function benchPage(onBytes: (size: number) => void = () => {}): { handle: HookHandle; relay: (message: unknown) => void } {
  let listener: ((message: unknown) => void) | undefined
  const transport: HookTransport = {
    post(message: HookToRelayMessage) {
      const checked = checkHookToRelay(structuredClone(message))
      if (checked.ok) onBytes(JSON.stringify(checked.value.batchJson).length)
    },
    listen(next) {
      listener = next
      return () => {
        if (listener === next) listener = undefined
      }
    },
  }
  const handle = createHook({ transport, url: () => "bench://watched-tab", root: {} })
  // What the relay sends over the private channel, as it is.
  const relay = (message: unknown) => listener?.(structuredClone(message))
  return { handle, relay }
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("watched-tab bench: the receiver never saw the last update")
    await new Promise(resolve => setTimeout(resolve, 1))
  }
}
