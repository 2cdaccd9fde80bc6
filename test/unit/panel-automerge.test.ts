/**
 * The panel on a real automerge-repo stream: a sync server and two clients
 * (MessageChannel adapters), Presence on a shared document, a raw
 * broadcast, and a direct channel that makes gossip arrive twice. The real
 * hook writes it, the panel's transport and reducer read it, and the Log's
 * pure modules, the member rows and the Sync rows are checked against the
 * library itself (automerge's own heads, cbor-x's decoding).
 */
import { next as A } from "@automerge/automerge"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import type { HookEvent } from "../../protocol/messages"
import { decodeMessage } from "../../devtools-panel/wire/ephemeral-decode"
import { carriedMessage, matches, NO_FILTER, subjectPeers } from "../../devtools-panel/log/filter"
import { detailOf } from "../../devtools-panel/log/record-detail"
import { rowText } from "../../devtools-panel/log/row-summary"
import { logRecords, type LogRecord } from "../../devtools-panel/state/event-log"
import type { PanelState } from "../../devtools-panel/state/panel-state"
import { memberRows } from "../../devtools-panel/state/queries"
import { headAsHex } from "../../devtools-panel/values/heads"
import { syncRows } from "../../devtools-panel/views/sync/sync-rows"
import { createAutomergeWorld, type AutomergeWorld } from "../support/automerge-world"
import { createHookHarness, type HookHarness } from "../support/hook-harness"

const names = (peerId: string) => peerId

let world: AutomergeWorld
let harness: HookHarness
let state: PanelState
let docId: string
let records: LogRecord[]

const of = (kind: HookEvent["kind"], repo = "bob") => records.filter(record => record.event.kind === kind && record.facets.label === repo)

beforeAll(async () => {
  world = createAutomergeWorld()
  harness = createHookHarness()
  harness.hook.register(world.alice, { label: "alice" })
  harness.hook.register(world.bob, { label: "bob" })
  harness.relay({ type: "panel/subscribe" })
  const handles = await world.openDoc()
  docId = handles.alice.documentId
  const alice = world.presence(handles.alice, { user: { name: "Alice", userId: "u-1", deviceId: "laptop" }, cursor: { x: 0 } })
  const bob = world.presence(handles.bob, { user: { name: "Bob" }, cursor: { x: 0 } })
  harness.hook.register(alice)
  harness.hook.register(bob)
  await vi.waitFor(() => expect(bob.getPeerStates().value).toHaveProperty("alice"))
  alice.broadcast("cursor", { x: 42 })
  handles.alice.broadcast({ reaction: "🎉" })
  await world.mesh()
  alice.broadcast("cursor", { x: 43 })
  await vi.waitFor(() => expect(bob.getPeerStates().value).toMatchObject({ alice: { value: { cursor: { x: 43 } } } }))
  await vi.waitFor(() => {
    state = harness.panel()
    expect(
      state.repos
        .get(harness.repoId("bob"))!
        .model.peers.map(peer => peer.identity.peerId)
        .sort(),
    ).toEqual(["alice", "server"])
  })
  // Let the last heartbeats and sync states land, then read the panel once.
  await vi.waitFor(() => {
    state = harness.panel()
    const rows = syncRows(state.repos.get(harness.repoId("bob"))!).filter(row => row.docId === docId)
    expect(rows.find(row => row.peerId === "server")?.lastKnownHeads).toEqual(A.getHeads(handles.bob.doc()))
  })
  records = logRecords(state.log)
})

afterAll(async () => {
  harness.dispose()
  await world.dispose()
})

describe("the panel on an automerge-repo stream", () => {
  it("names the library and shows who is in the room with the user and device their presence carries", () => {
    const bob = state.repos.get(harness.repoId("bob"))!
    expect(bob.info).toMatchObject({ library: "automerge-repo", peerId: "bob" })
    const rows = memberRows(bob, bob.rooms.get(docId)!)
    const alice = rows.find(row => row.peerId === "alice")!
    expect(alice).toMatchObject({ name: "Alice", userId: "u-1", deviceId: "laptop", present: true })
    // Alice's messages came relayed by the server, then also directly: a channel of its own now.
    expect(alice.connection.kind).toBe("direct")
    // A repo's own name comes from its presence too: automerge peers have no identity name.
    expect(rows.find(row => row.isSelf)).toMatchObject({ peerId: "bob", name: "Bob" })
  })

  it("decodes an ephemeral message's CBOR: a Presence update by channel, with session and count", () => {
    const update = of("channel-in").find(record => {
      const [payload] = decodeMessage(carriedMessage(record.event))
      return payload?.kind === "presence update" && JSON.stringify(payload.entries[0]?.value) === '{"x":42}'
    })!
    const [payload] = decodeMessage(carriedMessage(update.event))
    expect(payload).toMatchObject({
      kind: "presence update",
      payload: { format: "cbor", docId, sender: "alice", carrier: "ephemeral", session: expect.any(String), count: expect.any(Number) },
      entries: [{ key: "cursor", peer: "alice", value: { x: 42 }, deleted: false }],
    })
    expect(rowText(update, names).summary).toBe(`update cursor from alice · #${payload!.payload.count}`)
    expect(detailOf(update, names).peers).toContain("alice")
  })

  it("decodes raw broadcasts, and finds them by what they say and by their author", () => {
    const raw = of("channel-in").find(record => decodeMessage(carriedMessage(record.event))[0]?.kind === "broadcast")!
    expect(decodeMessage(carriedMessage(raw.event))[0]!.entries).toEqual([
      { key: "message", peer: "alice", value: { reaction: "🎉" }, deleted: false },
    ])
    expect(rowText(raw, names).summary).toMatch(/^broadcast from alice · #\d+$/)
    const search = { ...NO_FILTER, search: "🎉" }
    expect(records.filter(record => matches(record, search)).map(record => record.event.kind)).toContain("channel-in")
    // The peer filter finds the author of a relayed message (its senderId), not the relay.
    expect(subjectPeers(raw)).toEqual(["alice"])
    expect(matches(raw, { ...NO_FILTER, peerId: "alice" })).toBe(true)
  })

  it("marks the gossip the repo dropped, and attributes nothing to it", () => {
    const discarded = of("channel-in").filter(record => record.event.kind === "channel-in" && record.event.discarded !== undefined)
    expect(discarded.length).toBeGreaterThan(0)
    for (const record of discarded) expect(rowText(record, names).summary).toMatch(/^✕ discarded · /)
  })

  it("logs Presence's events and the maps' changes by the store vocabulary", () => {
    const emitted = of("emitter").map(record => (record.event.kind === "emitter" ? record.event.name : ""))
    expect(emitted).toEqual(expect.arrayContaining(["presence/snapshot", "presence/update"]))
    const store = of("store").find(record => record.event.kind === "store" && record.event.namespace === "cursor")!
    // Every key of an automerge map is a peer id.
    expect(store.facets.peerIds.length).toBeGreaterThan(0)
    expect(rowText(store, names).where).toBe(`${docId}/cursor`)
  })

  it("applies model events, and shows each peer's sync state with the heads automerge reports", () => {
    const bob = state.repos.get(harness.repoId("bob"))!
    const model = of("model")
    expect(model.length).toBeGreaterThan(0)
    expect(rowText(model[0]!, names)).toMatchObject({ type: "model" })
    const rows = syncRows(bob).filter(row => row.docId === docId)
    const self = rows.find(row => row.isSelf)!
    expect(self).toMatchObject({ status: "ready", ready: { status: "ready" } })
    // The document's heads (bs58check from handle.heads()) and the server's (hex from the sync state) in one spelling.
    expect(self.lastKnownHeads!.map(headAsHex)).toEqual(A.getHeads(world.handles.bob.doc()))
    expect(rows.find(row => row.peerId === "server")).toMatchObject({ status: "has", subscribed: true, connected: true })
  })

  it("reads a recording of protocol 3 (no library named) as loro-extended", async () => {
    const { applyAll } = await import("../../devtools-panel/state/apply")
    const { initialState } = await import("../../devtools-panel/state/panel-state")
    const { registered, repoInfo, batch } = await import("../component/fixtures/messages")
    const { library: _omitted, ...older } = repoInfo()
    const next = applyAll(initialState(), [batch(1, registered(older as never))], 0)
    expect(next.repos.get("r1")?.info.library).toBe("loro-extended")
  })
})
