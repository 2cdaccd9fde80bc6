/**
 * A hub's fan-out and first-hand news, from events as the hook reports
 * them, with store bytes encoded by loro-crdt itself.
 */
import { EphemeralStore } from "loro-crdt"
import { describe, expect, it } from "vitest"
import type { HookEvent, WireValue } from "../../protocol/messages"
import { serialize } from "../../codec/serialize/serialize"
import { applyAll } from "../../devtools-panel/state/apply"
import { applyHubEvents, emptyHubRelay, heardKey, ratesAt } from "../../devtools-panel/state/hub-relay"
import { initialState } from "../../devtools-panel/state/panel-state"

function bytesOf(entries: Record<string, unknown>): WireValue {
  const store = new EphemeralStore(60_000)
  for (const [key, value] of Object.entries(entries)) store.set(key, value as never)
  const bytes = store.encodeAll()
  return serialize(bytes, { fullBytes: new Set([bytes]) })
}

const frame = (docId: string, entries: Record<string, unknown>): WireValue => ({
  type: "channel/ephemeral",
  docId,
  hopsRemaining: 0,
  stores: [{ peerId: "hub", namespace: "cursor", data: bytesOf(entries) }],
})

let id = 1
const heartbeat = (t: number): HookEvent => ({
  id: id++,
  repoId: "r",
  t,
  kind: "sync-message",
  msgType: "synchronizer/heartbeat",
  message: null,
  commands: [],
  delta: {},
})
const sent = (t: number, to: number[], message: WireValue): HookEvent => ({
  id: id++,
  repoId: "r",
  t,
  kind: "channel-out",
  toChannelIds: to,
  msgType: "channel/ephemeral",
  size: 1,
  message,
  establishment: false,
})
const received = (t: number, channelId: number, peerId: string, message: WireValue): HookEvent => ({
  id: id++,
  repoId: "r",
  t,
  kind: "channel-in",
  channelId,
  peerId,
  msgType: "channel/ephemeral",
  size: 1,
  message,
})

describe("hub relay", () => {
  it("counts messages and entries per channel, and what a heartbeat caused apart", () => {
    const three = frame("room:a", { "1": { x: 1 }, "2": { x: 2 }, "3": { x: 3 } })
    let state = applyHubEvents(emptyHubRelay, [
      sent(10_000, [1, 2], frame("room:a", { "1": { x: 1 } })),
      received(10_100, 1, "1", frame("room:a", { "1": { x: 5 } })),
    ])
    state = applyHubEvents(state, [heartbeat(20_000), sent(20_001, [1, 2], three), sent(20_002, [2], three)])
    // An answer to a peer's input after the heartbeat is not the heartbeat's doing.
    state = applyHubEvents(state, [received(20_050, 2, "2", frame("room:a", { "2": { x: 9 } })), sent(20_051, [1], three)])
    expect(state.heartbeats).toBe(1)
    expect(state.channels.get(1)?.perHeartbeat).toEqual({ messages: 1, entries: 3 })
    expect(state.channels.get(2)?.perHeartbeat).toEqual({ messages: 2, entries: 6 })
    expect(state.channels.get(1)?.total).toEqual({ messages: 3, entries: 7 })
    expect(state.channels.get(2)?.total).toEqual({ messages: 3, entries: 7 })
    // The next heartbeat starts its own count.
    state = applyHubEvents(state, [heartbeat(30_000)])
    expect(state.channels.get(2)?.perHeartbeat).toEqual({ messages: 0, entries: 0 })
  })

  it("averages per second over the last ten whole seconds", () => {
    const one = frame("room:a", { "1": true })
    const events = Array.from({ length: 20 }, (_, i) => sent(100_000 + i * 500, [7], one))
    const state = applyHubEvents(emptyHubRelay, events)
    expect(ratesAt(state.channels.get(7)!, 110_000)).toEqual({ messages: 2, entries: 2 })
    expect(ratesAt(state.channels.get(7)!, 130_000)).toEqual({ messages: 0, entries: 0 })
  })

  it("remembers when the hub heard each key from its owner, not from a relayer", () => {
    let state = applyHubEvents(emptyHubRelay, [received(1_000, 1, "1", frame("room:a", { "1": { x: 1 } }))])
    // Peer 2 forwarding peer 1's key is not peer 1 speaking.
    state = applyHubEvents(state, [received(2_000, 2, "2", frame("room:a", { "1": { x: 2 } }))])
    expect(state.heardFromOwner.get(heardKey("room:a", "cursor", "1"))).toBe(1_000)
    expect(state.heardFromOwner.has(heardKey("room:a", "cursor", "2"))).toBe(false)
  })

  it("leaves the state as it was for a batch that concerns it not, or that it cannot read", () => {
    const emitter: HookEvent = { id: 1, repoId: "r", t: 1, kind: "emitter", name: "x", data: null }
    const malformed = [null, { kind: "channel-out" }, { kind: "channel-out", t: 1, toChannelIds: ["x", null] }] as unknown as HookEvent[]
    expect(applyHubEvents(emptyHubRelay, [emitter, ...malformed])).toBe(emptyHubRelay)
  })

  it("is kept for a hub, and kept through a resubscribe (another panel page opening)", () => {
    const channel = (channelId: number) => ({
      channelId,
      type: "established",
      kind: "network",
      adapterType: "ws",
      peerId: String(channelId),
    })
    const registered = {
      type: "repo/registered" as const,
      repo: {
        repoId: "hub",
        label: "hub",
        peerId: "0",
        identityType: "service",
        libraryVersion: "5.x",
        origin: "register" as const,
        taps: [],
        registeredAt: 1,
      },
      snapshot: { identity: { peerId: "0", type: "service" }, peers: [], channels: [channel(1), channel(2)], documents: [] },
      stores: [],
    }
    const page = (seq: number, messages: unknown[]) => ({ type: "background/page-batch" as const, batch: { seq, messages } as never })
    let state = applyAll(
      initialState(),
      [page(0, [registered, { type: "repo/events", repoId: "hub", events: [sent(1_000, [1, 2], frame("room:a", { "1": 1 }))] }])],
      1,
    )
    const counted = state.repos.get("hub")?.hubRelay
    expect(counted?.channels.get(2)?.total).toEqual({ messages: 1, entries: 1 })
    state = applyAll(state, [page(1, [registered])], 2)
    expect(state.repos.get("hub")?.hubRelay).toBe(counted)
  })
})
