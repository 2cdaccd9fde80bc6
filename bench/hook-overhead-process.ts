/**
 * One run of bench 1 in a process of its own, so that no variant inherits
 * another's compiled code, heap or garbage. The hook is the bundled one
 * (dist/<browser>/injected/hook.iife.js), evaluated as the page's script:
 * in a window stand-in, paired with the relay's own pairing code over a real
 * MessageChannel (so every batch pays the structured clone a page pays),
 * and registered through its global as `connect()` does.
 *
 *   tsx bench/hook-overhead-process.ts <none|idle|streaming> <updates> <warmup>
 *
 * Prints one JSON line: HookRunResult.
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { runInThisContext } from "node:vm"
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import { pairWithHook } from "../extension/relay/pairing"
import { HOOK_GLOBAL } from "../protocol/messages"
import { checkHookToRelay } from "../protocol/validate"

export type HookVariant = "none" | "idle" | "streaming"

export interface HookRunResult {
  updates: number
  /** Wall-clock seconds from the first update until the receiver held the last. */
  wallSeconds: number
  /** Process CPU time (user + system) from the first update until the hook's last batch was consumed, µs. */
  cpuMicros: number
  /** Batch text the relay stand-in received and encoded (shows it really drained). */
  consumedChars: number
}

interface BundledHook {
  register(repo: unknown, options?: { label?: string }): () => void
  flush(): void
  readonly listening: boolean
}

const DOC = "bench-room"
const DocShape = Shape.doc({ notes: Shape.list(Shape.plain.string()) })
const Presence = Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() })

/** The build's hook, or EPHEMERA_BENCH_HOOK (another build of it, to compare two side by side). */
export function bundledHookPath(): string {
  return (
    process.env.EPHEMERA_BENCH_HOOK ??
    resolve(import.meta.dirname, "..", process.env.EPHEMERA_DIST ?? "dist", "chrome/injected/hook.iife.js")
  )
}

/** The page's side: a window stand-in, the relay paired first (as a content script may be), then the hook's script. */
function loadBundledHook(onBatchText: (chars: number, text: string) => void) {
  const win = new EventTarget()
  const scope = globalThis as unknown as Record<string, unknown>
  scope.window = win
  scope.location = { href: "bench://hook-overhead" }
  scope.addEventListener = win.addEventListener.bind(win)
  const pairing = pairWithHook(win as unknown as Window, { onForgery: () => {} })
  const path = bundledHookPath()
  runInThisContext(readFileSync(path, "utf8"), { filename: path })
  const hook = scope[HOOK_GLOBAL] as BundledHook | undefined
  // Node's MessageEvent ignores `cancelable`, so `pairing.paired` stays false
  // here even once the hook took the port: run() proves the pairing with a ping.
  if (!hook) throw new Error(`hook-overhead bench: ${path} did not define the hook`)
  // The relay's work per batch: check it, then hand its text to the port (which encodes it).
  pairing.port.onmessage = event => {
    const checked = checkHookToRelay(event.data)
    if (!checked.ok) throw new Error(`hook-overhead bench: the relay refused a batch: ${checked.reason}`)
    if ("batchJson" in checked.value) onBatchText(JSON.stringify(checked.value.batchJson).length, checked.value.batchJson)
  }
  return { hook, port: pairing.port }
}

async function run(variant: HookVariant, updates: number, warmup: number): Promise<HookRunResult> {
  let consumedChars = 0
  let pongs = 0
  const page =
    variant === "none"
      ? undefined
      : loadBundledHook((chars, text) => {
          consumedChars += chars
          if (text.includes('"hook/pong"')) pongs++
        })
  if (page) await ping(page)
  if (page && variant === "streaming") {
    page.port.postMessage({ type: "panel/subscribe" })
    await until(() => page.hook.listening)
  }
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  const sender = new Repo({ identity: { name: "sender" } })
  const receiver = new Repo({ identity: { name: "receiver" } })
  for (const repo of [hub, sender, receiver]) page?.hook.register(repo, { label: repo.identity.name ?? "" })
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
  let marker = -1

  /** Sends `count` updates, each its own message as a moving cursor's are, and waits for the receiver to hold a marker written after them. */
  async function stream(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      from.presence.setSelf({ x: i, y: i })
      await new Promise(resolve => setImmediate(resolve))
    }
    // Two writes in one millisecond tie and the receiver keeps the first
    // (last-writer-wins by timestamp), so the marker waits for the clock to move.
    const last = Date.now()
    while (Date.now() <= last) await new Promise(resolve => setTimeout(resolve, 1))
    marker--
    from.presence.setSelf({ x: marker, y: 0 })
    await until(() => to.presence.peers.get(senderId)?.x === marker)
  }

  /** Everything the hook observed so far, flushed and consumed by the relay: a pong after it proves the port delivered it all. */
  async function ping(hooked: NonNullable<typeof page>): Promise<void> {
    hooked.hook.flush()
    const before = pongs
    hooked.port.postMessage({ type: "panel/ping", nonce: `drain-${before}` })
    await until(() => {
      hooked.hook.flush()
      return pongs > before
    })
  }

  const drain = async () => (page && variant === "streaming" ? ping(page) : undefined)
  await stream(warmup)
  await drain()
  consumedChars = 0
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  await stream(updates)
  const wallSeconds = (performance.now() - start) / 1000
  await drain()
  const cpu = process.cpuUsage(cpuStart)
  for (const repo of [hub, sender, receiver]) repo.synchronizer.stopHeartbeat()
  return { updates, wallSeconds, cpuMicros: cpu.user + cpu.system, consumedChars }
}

function establishedChannels(repo: Repo): number {
  return [...repo.synchronizer.model.channels.values()].filter(channel => channel.type === "established").length
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error("hook-overhead bench: timed out waiting (the receiver or the relay never got the last update)")
    await new Promise(resolve => setTimeout(resolve, 1))
  }
}

const [variant, updates, warmup] = process.argv.slice(2)
if (variant !== "none" && variant !== "idle" && variant !== "streaming") throw new Error(`hook-overhead bench: unknown variant ${variant}`)
run(variant, Number(updates), Number(warmup)).then(
  result => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  error => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  },
)
