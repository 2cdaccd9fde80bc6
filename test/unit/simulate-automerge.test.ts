/**
 * Simulated peers on real automerge-repo repos: a sync server and two
 * clients (alice, bob) on MessageChannels, Presence on a shared document at
 * each client. The engine runs on alice's repo; its peers must reach alice's
 * Presence, and bob's through the server when they are network-wide.
 */
import type { Presence } from "@automerge/automerge-repo"
import { decode } from "cbor-x"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { encodeCbor } from "../../injected/simulate/automerge/cbor"
import { createAutomergeSimulationEngine } from "../../injected/simulate/automerge/engine"
import type { SimulationEngine } from "../../injected/simulate/engine"
import { SimulationError } from "../../injected/simulate/errors"
import type { SimulatedPeerSpec } from "../../protocol/simulate"
import { type AutomergeWorld, createAutomergeWorld } from "../support/automerge-world"

let world: AutomergeWorld
let engine: SimulationEngine
let alice: Presence<Record<string, unknown>>
let bob: Presence<Record<string, unknown>>
let docId: string

beforeEach(async () => {
  world = createAutomergeWorld()
  const handles = await world.openDoc()
  docId = handles.alice.documentId
  alice = world.presence(handles.alice, { user: "alice" })
  bob = world.presence(handles.bob, { user: "bob" })
  engine = createAutomergeSimulationEngine(world.alice)
})

afterEach(async () => {
  await engine.dispose()
  await world.dispose()
})

const spec = (visibility: SimulatedPeerSpec["visibility"], x = 1): SimulatedPeerSpec => ({
  name: `sim-${visibility}`,
  docId,
  visibility,
  namespaces: {
    user: { value: { name: `sim-${visibility}` }, behaviour: { kind: "static" } },
    cursor: { value: { x, y: 2 }, behaviour: { kind: "static" } },
  },
})

const stateAt = (presence: Presence<Record<string, unknown>>, peerId: string) =>
  (presence.getPeerStates().value as Record<string, { value: Record<string, unknown> } | undefined>)[peerId]?.value

describe("CBOR for simulated payloads", () => {
  it("encodes JSON values as cbor-x (automerge-repo's codec) decodes them", () => {
    const value = {
      __presence: {
        type: "update",
        channel: "cursor",
        value: { x: -3, y: 2.5, big: 70_000, wide: 4_000_000_000, low: -4_294_967_296, huge: 2 ** 40, list: [true, false, null, "é🎉"] },
      },
      long: "x".repeat(300),
    }
    expect(decode(encodeCbor(value))).toEqual(value)
  })
})

describe("automerge simulation engine", () => {
  it("brings a network-wide peer to every Presence in the room, moves it, and says goodbye", async () => {
    const [peer] = engine.addPeers([spec("network")])
    await vi.waitFor(() => expect(stateAt(alice, peer!.id)).toEqual({ user: { name: "sim-network" }, cursor: { x: 1, y: 2 } }))
    await vi.waitFor(() => expect(stateAt(bob, peer!.id)).toEqual({ user: { name: "sim-network" }, cursor: { x: 1, y: 2 } }))
    expect(engine.list()[0]).toMatchObject({ id: peer!.id, state: "live", docId })

    engine.updatePeer(peer!.id, { namespaces: { cursor: { value: { x: 9, y: 9 }, behaviour: { kind: "static" } } } })
    await vi.waitFor(() => expect(stateAt(bob, peer!.id)?.cursor).toEqual({ x: 9, y: 9 }))

    // A dropped channel: Presence cannot delete one, so the peer says goodbye and comes back without it.
    engine.updatePeer(peer!.id, { namespaces: { cursor: null } })
    await vi.waitFor(() => expect(stateAt(bob, peer!.id)).toEqual({ user: { name: "sim-network" } }))

    await engine.removePeer(peer!.id)
    await vi.waitFor(() => expect(stateAt(bob, peer!.id)).toBeUndefined())
    expect(stateAt(alice, peer!.id)).toBeUndefined()
    // With the last peer gone the relay leaves alice's repo too.
    await vi.waitFor(() => expect(world.alice.peers.some(id => id.startsWith("ephemera-relay-"))).toBe(false))
  })

  it("keeps a local peer inside the page's repo", async () => {
    const [local] = engine.addPeers([spec("local", 5)])
    const [network] = engine.addPeers([spec("network", 6)])
    await vi.waitFor(() => expect(stateAt(alice, local!.id)?.cursor).toEqual({ x: 5, y: 2 }))
    await vi.waitFor(() => expect(stateAt(bob, network!.id)?.cursor).toEqual({ x: 6, y: 2 }))
    expect(stateAt(bob, local!.id)).toBeUndefined()
  })

  it("moves a peer by its behaviour, and refuses a document the repo does not have", async () => {
    const [walker] = engine.addPeers([
      {
        ...spec("network"),
        namespaces: {
          cursor: {
            value: { x: 50, y: 50 },
            behaviour: { kind: "random-walk", rateHz: 30, bounds: { x: [0, 100], y: [0, 100] }, step: 5, seed: 7 },
          },
        },
      },
    ])
    const seen = new Set<string>()
    await vi.waitFor(() => {
      const cursor = stateAt(bob, walker!.id)?.cursor
      if (cursor) seen.add(JSON.stringify(cursor))
      expect(seen.size).toBeGreaterThan(3)
    })
    expect(() => engine.addPeers([{ ...spec("network"), docId: "nope" }])).toThrow(SimulationError)
  })
})
