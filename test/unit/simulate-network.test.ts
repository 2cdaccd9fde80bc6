/**
 * Simulated network conditions through the page hook, on real repos: a hub
 * joins spoke A (whose page runs the hook) and spoke B. The panel's
 * simulate/network requests go in as relay envelopes; what counts is what
 * the other repos' stores receive, and when, and what the hook's Log events
 * say. Lower bounds on time only: nothing here measures speed.
 */
import type { Repo } from "@loro-extended/repo"
import { afterEach, describe, expect, it } from "vitest"
import { memoryTransport, type MemoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import type { HookToPanelMessage, NetworkConditions, PanelToHookMessage } from "../../protocol/messages"
import type { RoomHandle } from "../../demo/shared/room"
import { bridgedLobby } from "../support/bridged-lobby"

type NetworkState = Extract<HookToPanelMessage, { type: "simulate/network-state" }>

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 2))
  }
}

interface World {
  a: Repo
  b: Repo
  roomA: RoomHandle
  roomB: RoomHandle
  transport: MemoryTransport
  repoId: string
  /** A's channel to the hub. */
  hubChannel: number
  relay(message: PanelToHookMessage | { type: string }): void
  network(conditions: Partial<NetworkConditions> | null, channelId?: number): string
  messages(): HookToPanelMessage[]
}

async function world(): Promise<World> {
  const { hub, a, b, roomA, roomB, stop } = await bridgedLobby()
  cleanups.push(stop)
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
  cleanups.push(dispose)
  await until(() => roomB.presence.peers.has(a.identity.peerId) && roomA.presence.peers.has(b.identity.peerId), "both to see each other")
  const relay = (message: unknown) => transport.deliver(message)
  hook.register(a, { label: "alice" })
  relay({ type: "panel/subscribe" })
  const repoId = hook.repos()[0]!.repoId
  const hubChannel = [...a.synchronizer.model.channels.values()].find(
    channel => "peerId" in channel && channel.peerId === hub.identity.peerId,
  )!.channelId
  let request = 0
  return {
    a,
    b,
    roomA,
    roomB,
    transport,
    repoId,
    hubChannel,
    relay,
    network(conditions, channelId = hubChannel) {
      const requestId = `net-${++request}`
      const full = conditions && { delayMs: 0, jitterMs: 0, dropPercent: 0, reorderPercent: 0, ...conditions }
      relay({ type: "simulate/network", requestId, repoId, channelId, conditions: full })
      return requestId
    },
    messages() {
      hook.flush()
      return transport.messages()
    },
  }
}

const cursorAt = (room: RoomHandle, peerId: string) => (room.cursor.peers.get(peerId) as { x: number } | undefined)?.x
const lastNetworkState = (w: World) =>
  w
    .messages()
    .filter((m): m is NetworkState => m.type === "simulate/network-state")
    .at(-1)

describe("network conditions on a real channel", () => {
  it("drops every outgoing presence frame at 100 % while documents still go through, until removed", async () => {
    const w = await world()
    w.network({ dropPercent: 100 })
    expect(lastNetworkState(w)?.channels).toMatchObject([{ channelId: w.hubChannel, conditions: { dropPercent: 100 } }])
    w.roomA.cursor.setSelf({ x: 1, y: 1 })
    w.roomA.doc.notes.push("after the cursor")
    // The note left after the cursor on the same channel: had the cursor gone out, it would be there by now.
    await until(() => w.roomB.doc.toJSON().notes.includes("after the cursor"), "the note at B")
    expect(cursorAt(w.roomB, w.a.identity.peerId)).toBeUndefined()

    w.network(null)
    expect(lastNetworkState(w)?.channels).toEqual([])
    w.roomA.cursor.setSelf({ x: 2, y: 2 })
    await until(() => cursorAt(w.roomB, w.a.identity.peerId) === 2, "the cursor at B once conditions are off")
  })

  it("holds outgoing presence for the delay, documents not; the Log's channel-out comes that much later", async () => {
    const w = await world()
    w.network({ delayMs: 300 })
    const sentAt = performance.now()
    const wallSentAt = Date.now()
    w.roomA.cursor.setSelf({ x: 5, y: 5 })
    w.roomA.doc.notes.push("quick")
    await until(() => w.roomB.doc.toJSON().notes.includes("quick"), "the note at B")
    expect(cursorAt(w.roomB, w.a.identity.peerId)).toBeUndefined()
    await until(() => cursorAt(w.roomB, w.a.identity.peerId) === 5, "the delayed cursor at B")
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(300)
    // The hook's outbound tap sees the frame when it is let go.
    const out = w
      .messages()
      .flatMap(message => (message.type === "repo/events" ? message.events : []))
      .find(event => event.kind === "channel-out" && event.msgType === "channel/ephemeral" && event.t >= wallSentAt)
    expect(out).toBeDefined()
    expect(out!.t - wallSentAt).toBeGreaterThanOrEqual(299)
  })

  it("holds incoming presence for the delay too", async () => {
    const w = await world()
    w.network({ delayMs: 300 })
    const sentAt = performance.now()
    w.roomB.cursor.setSelf({ x: 7, y: 7 })
    await until(() => cursorAt(w.roomA, w.b.identity.peerId) === 7, "B's cursor at A")
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(300)
  })

  it("lets held frames go at once and restores the repo when the last panel goes away", async () => {
    const w = await world()
    const send = w.a.synchronizer.adapters.send
    w.network({ delayMs: 10_000 })
    expect(w.a.synchronizer.adapters.send).not.toBe(send)
    w.roomA.cursor.setSelf({ x: 9, y: 9 })
    w.roomA.doc.notes.push("behind the cursor")
    await until(() => w.roomB.doc.toJSON().notes.includes("behind the cursor"), "the note at B")
    expect(cursorAt(w.roomB, w.a.identity.peerId)).toBeUndefined()
    w.relay({ type: "panel/unsubscribe" })
    await until(() => cursorAt(w.roomB, w.a.identity.peerId) === 9, "the held cursor at B", 3000)
    expect(w.a.synchronizer.adapters.send).toBe(send)
  })

  it("refuses bad conditions and unknown channels in words, changing nothing", async () => {
    const w = await world()
    const bad = w.network({ delayMs: -5 })
    const unknown = w.network({ delayMs: 5 }, 987_654)
    const errors = w.messages().filter((m): m is Extract<HookToPanelMessage, { type: "simulate/error" }> => m.type === "simulate/error")
    expect(errors.find(error => error.requestId === bad)).toMatchObject({
      code: "invalid-spec",
      message: expect.stringMatching(/delayMs must be a number from 0 to 10000/),
    })
    expect(errors.find(error => error.requestId === unknown)).toMatchObject({ code: "unknown-channel" })
    expect(lastNetworkState(w)?.channels).toEqual([])
  })
})
