/**
 * A presence value far beyond what a batch can carry, written in a real
 * repo: it arrives as a summary with its size and head, the key present,
 * and nothing beside it is lost (it used to cost the whole tape: "lost 52").
 */
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import { afterEach, describe, expect, it, vi } from "vitest"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import { MAX_STORE_VALUE_BYTES, OVERSIZED_HEAD_CHARS } from "../../codec/serialize/oversized"
import type { HookEvent, HookToPanelMessage, StoreEntry } from "../../protocol/messages"

const FIVE_MB = 5 * 1024 * 1024
const Presence = Shape.plain.struct({ name: Shape.plain.string(), note: Shape.plain.string() })

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

async function world() {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  const alice = new Repo({ identity: { name: "alice" } })
  cleanups.push(() => {
    dispose()
    for (const repo of [hub, alice]) repo.synchronizer.stopHeartbeat()
  })
  const bridge = new Bridge()
  await hub.addAdapter(new BridgeAdapter({ bridge, adapterType: "hub" }))
  await alice.addAdapter(new BridgeAdapter({ bridge, adapterType: "alice" }))
  const room = alice.get("room", Shape.doc({ title: Shape.text() }), { presence: Presence })
  return { transport, hook, alice, room }
}

function storeEntries(messages: HookToPanelMessage[]): StoreEntry[] {
  return messages.flatMap(message =>
    message.type === "repo/events" ? message.events.flatMap((event: HookEvent) => (event.kind === "store" ? event.entries : [])) : [],
  )
}

describe("a store value beyond the cap", () => {
  it("arrives as a summary with its size and a head; the key is present and nothing is dropped", async () => {
    const { transport, hook, alice, room } = await world()
    hook.register(alice, { label: "alice" })
    transport.deliver({ type: "panel/subscribe" })
    const huge = "x".repeat(FIVE_MB)
    room.presence.setSelf({ name: "alice", note: huge })
    const key = alice.identity.peerId
    await vi.waitFor(() => {
      hook.flush()
      expect(storeEntries(transport.messages()).some(entry => entry.key === key)).toBe(true)
    })
    const messages = transport.messages()
    expect(messages.filter(message => message.type === "hook/dropped")).toEqual([])
    const entry = storeEntries(messages)
      .filter(candidate => candidate.key === key)
      .at(-1)!
    expect(entry.size).toBeGreaterThan(FIVE_MB)
    expect(entry.timestamp).toEqual(expect.any(Number))
    // The presence value is an object holding the 5 MB string: its shape, the string cut to its first 64 KB.
    expect(entry.value).toMatchObject({
      $ephemera: "oversized",
      valueType: "object",
      bytes: entry.size,
      head: { name: "alice", note: { $ephemera: "truncated-string", length: FIVE_MB, head: "x".repeat(OVERSIZED_HEAD_CHARS) } },
    })
    // Every batch stays far below what the relay takes.
    for (const batch of transport.posted) expect(batch.batchJson.length).toBeLessThan(4_000_000)
  })

  it("shows a string's first 64 KB, in live events and in the snapshot a new panel gets", async () => {
    const { transport, hook, alice } = await world()
    const store = [...alice.synchronizer.docNamespacedStores.get("room")!.values()][0]!
    hook.register(alice, { label: "alice" })
    transport.deliver({ type: "panel/subscribe" })
    store.set("big", "é".repeat(FIVE_MB / 2))
    store.set("small", "fine")
    await vi.waitFor(() => {
      hook.flush()
      expect(storeEntries(transport.messages()).map(entry => entry.key)).toEqual(expect.arrayContaining(["big", "small"]))
    })
    const live = storeEntries(transport.messages())
    const head = "é".repeat(OVERSIZED_HEAD_CHARS)
    expect(live.find(entry => entry.key === "big")!.value).toEqual({
      $ephemera: "oversized",
      valueType: "string",
      bytes: expect.any(Number),
      head,
      headBytes: 2 * OVERSIZED_HEAD_CHARS,
    })
    expect(live.find(entry => entry.key === "small")!.value).toBe("fine")

    transport.deliver({ type: "panel/subscribe" })
    hook.flush()
    const registered = transport
      .messages()
      .filter(message => message.type === "repo/registered")
      .at(-1)
    const snapshot: StoreEntry[] = registered?.type === "repo/registered" ? registered.stores.flatMap(store => store.entries) : []
    const big = snapshot.find(entry => entry.key === "big")!
    expect(big.value).toMatchObject({ $ephemera: "oversized", valueType: "string", head })
    expect(big.size).toBeGreaterThan(MAX_STORE_VALUE_BYTES)
  })
})
