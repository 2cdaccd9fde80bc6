/**
 * Hook overhead: three real repos in one process (a hub and two spokes over
 * the library's BridgeAdapter); one spoke sends presence updates; we time
 * until the other spoke holds the last one. Three variants run interleaved,
 * round by round, so machine noise hits them alike:
 *   - none:       no hook
 *   - idle:       the hook registered on all three repos, no panel listening
 *   - consuming:  the hook streaming, and a consumer draining its batches the
 *                 way the relay and a port would (validate, then JSON-encode)
 */
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import type { HookToRelayMessage } from "../protocol/messages"
import { checkHookToRelay } from "../protocol/validate"
import type { HookTransport } from "../injected/bridge/transport"
import { createHook } from "../injected/hook/create-hook"
import { median } from "./stats"

export type HookVariant = "none" | "idle" | "consuming"

export interface HookOverheadResult {
  updates: number
  rounds: number
  /** Median updates/s per variant. */
  rate: Record<HookVariant, number>
  /** Median over rounds of rate[variant] / rate.none within the same round (so drift between rounds cancels). */
  ratio: Record<HookVariant, number>
  /**
   * The same ratio by the process's CPU time instead of the wall clock: time
   * the machine gives to other guests (steal, on a VM) stretches the wall
   * clock of whichever variant it hits, but not its CPU time.
   */
  cpuRatio: Record<HookVariant, number>
  /** Bytes the consumer received in one "consuming" run (to show it really drained). */
  consumedBytes: number
}

const DOC = "bench-room"
const DocShape = Shape.doc({ notes: Shape.list(Shape.plain.string()) })
const Presence = Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() })

export async function benchHookOverhead(updates = 5_000, rounds = 15): Promise<HookOverheadResult> {
  const runs: Record<HookVariant, number[]> = { none: [], idle: [], consuming: [] }
  const cpuRuns: Record<HookVariant, number[]> = { none: [], idle: [], consuming: [] }
  let consumedBytes = 0
  // One warm-up run of each, untimed: the first run pays for JIT and WASM start.
  for (const variant of ["none", "idle", "consuming"] as const) await runOnce(variant, 500)
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no variant always runs first.
    const order: HookVariant[] = (["none", "idle", "consuming"] as const).map((_, i, all) => all[(i + round) % all.length]!)
    for (const variant of order) {
      const { rate, cpuRate, bytes } = await runOnce(variant, updates)
      runs[variant].push(rate)
      cpuRuns[variant].push(cpuRate)
      if (variant === "consuming") consumedBytes = bytes
    }
  }
  const rate = { none: median(runs.none), idle: median(runs.idle), consuming: median(runs.consuming) }
  const ratioOf = (variant: HookVariant, of = runs) => median(of[variant].map((value, round) => value / of.none[round]!))
  return {
    updates,
    rounds,
    rate,
    ratio: { none: 1, idle: ratioOf("idle"), consuming: ratioOf("consuming") },
    cpuRatio: { none: 1, idle: ratioOf("idle", cpuRuns), consuming: ratioOf("consuming", cpuRuns) },
    consumedBytes,
  }
}

export async function runOnce(variant: HookVariant, updates: number): Promise<{ rate: number; cpuRate: number; bytes: number }> {
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  const sender = new Repo({ identity: { name: "sender" } })
  const receiver = new Repo({ identity: { name: "receiver" } })
  let bytes = 0
  const hook = variant === "none" ? undefined : createBenchHook(variant === "consuming", n => (bytes += n))
  for (const repo of [hub, sender, receiver]) hook?.hook.register(repo, { label: repo.identity.name ?? "" })
  try {
    // Documents open before the adapters connect, as in an app.
    const from = sender.get(DOC, DocShape, { presence: Presence })
    const to = receiver.get(DOC, DocShape, { presence: Presence })
    hub.get(DOC, DocShape, { presence: Presence })
    const toSender = new Bridge()
    const toReceiver = new Bridge()
    await hub.addAdapter(new BridgeAdapter({ bridge: toSender, adapterType: "hub-to-sender" }))
    await hub.addAdapter(new BridgeAdapter({ bridge: toReceiver, adapterType: "hub-to-receiver" }))
    await sender.addAdapter(new BridgeAdapter({ bridge: toSender, adapterType: "sender" }))
    await receiver.addAdapter(new BridgeAdapter({ bridge: toReceiver, adapterType: "receiver" }))
    await until(() => [hub, sender, receiver].every(repo => establishedChannels(repo) === (repo === hub ? 2 : 1)))
    const senderId = sender.identity.peerId
    from.presence.setSelf({ x: -1, y: 0 })
    await until(() => to.presence.peers.get(senderId)?.x === -1)

    const start = performance.now()
    const cpuStart = process.cpuUsage()
    for (let i = 0; i < updates; i++) {
      from.presence.setSelf({ x: i, y: i })
      // Let each update travel as its own message, as a moving cursor does.
      await new Promise(resolve => setImmediate(resolve))
    }
    // Two writes in one millisecond tie and the receiver keeps the first
    // (last-writer-wins by timestamp), so the run ends with a marker written
    // once the clock has moved on.
    const last = Date.now()
    while (Date.now() <= last) await new Promise(resolve => setTimeout(resolve, 1))
    from.presence.setSelf({ x: -2, y: 0 })
    await until(() => to.presence.peers.get(senderId)?.x === -2)
    const seconds = (performance.now() - start) / 1000
    const cpu = process.cpuUsage(cpuStart)
    hook?.hook.flush()
    return { rate: updates / seconds, cpuRate: updates / ((cpu.user + cpu.system) / 1e6), bytes }
  } finally {
    hook?.dispose()
    for (const repo of [hub, sender, receiver]) repo.synchronizer.stopHeartbeat()
  }
}

/** The hook with a relay stand-in; when `consume`, a panel subscribes and every batch is validated and encoded. */
function createBenchHook(consume: boolean, onBytes: (n: number) => void) {
  let listener: ((message: unknown) => void) | undefined
  const transport: HookTransport = {
    post(message: HookToRelayMessage) {
      if (!consume) return
      // What the page's thread pays past the hook: the clone into the content
      // script, the relay's check, and the port's encoding of the text.
      const checked = checkHookToRelay(structuredClone(message))
      if (checked.ok) onBytes(JSON.stringify(checked.value.batchJson).length)
    },
    listen(next) {
      listener = next
      return () => (listener = undefined)
    },
  }
  const handle = createHook({ transport, url: () => "bench://hook-overhead", root: {} })
  if (consume) listener?.({ type: "panel/subscribe" })
  return handle
}

function establishedChannels(repo: Repo): number {
  return [...repo.synchronizer.model.channels.values()].filter(channel => channel.type === "established").length
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("hook-overhead bench: the receiver never saw the last update")
    await new Promise(resolve => setTimeout(resolve, 1))
  }
}
