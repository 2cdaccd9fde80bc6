/**
 * The log over a real event stream: three real repos (a hub, alice, bob) on
 * the library's BridgeAdapter, the real page hook on alice and bob, and the
 * panel's reducer fed with exactly what the hook posted. Checks what the
 * log's pure modules make of it: order, decoded frames attributed by key,
 * loro-crdt's agreement, filters, search, the model change of a handshake,
 * and who a local change went to (update, announcement, nothing) and why.
 */
import { Repo, Shape } from "@loro-extended/repo"
import { beforeAll, describe, expect, it } from "vitest"
import type { HookEvent } from "../../protocol/messages"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import { decodeMessage } from "../../devtools-panel/wire/ephemeral-decode"
import { carriedMessage, channelKey, NO_FILTER, searchMatches, searchText, type LogFilter } from "../../devtools-panel/log/filter"
import { FilteredIndex, rowSeq, rowSub } from "../../devtools-panel/log/filtered-index"
import { checkWithLoro } from "../../devtools-panel/log/loro-check"
import { modelChanges } from "../../devtools-panel/log/model-change"
import { explainPropagation } from "../../devtools-panel/log/propagation"
import { detailOf, relatedRecords } from "../../devtools-panel/log/record-detail"
import { logRecords, recordAt, type LogRecord } from "../../devtools-panel/state/event-log"
import type { PanelState } from "../../devtools-panel/state/panel-state"
import { linkThroughHub, panelStateOf, until } from "../support/hub-stream"

const ROOM = "room"
const DocShape = Shape.doc({ title: Shape.text() })
const Presence = Shape.plain.struct({ name: Shape.plain.string(), x: Shape.plain.number() })

interface Scenario {
  state: PanelState
  events: HookEvent[]
  peers: { hub: string; alice: string; bob: string }
  repoIds: { alice: string; bob: string }
}

/** Runs the scenario once; every test reads the same recorded stream. */
async function record(): Promise<Scenario> {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
  const relay = (message: unknown) => transport.deliver(message)
  let revealPrivate = false
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  const alice = new Repo({ identity: { name: "alice" }, permissions: { visibility: doc => doc.id !== "private" || revealPrivate } })
  const bob = new Repo({ identity: { name: "bob" } })
  try {
    hook.register(alice, { label: "alice" })
    hook.register(bob, { label: "bob" })
    relay({ type: "panel/subscribe" })
    const rooms = {
      hub: hub.get(ROOM, DocShape, { presence: Presence }),
      alice: alice.get(ROOM, DocShape, { presence: Presence }),
      bob: bob.get(ROOM, DocShape, { presence: Presence }),
    }
    await linkThroughHub(hub, alice, bob)

    rooms.alice.presence.setSelf({ name: "alice", x: 1 })
    await until(() => rooms.bob.presence.peers.get(alice.identity.peerId)?.x === 1, "bob to see alice")
    rooms.alice.doc.title.insert(0, "hello")
    await until(() => rooms.hub.doc.title.toString() === "hello", "the hub to get the edit")
    // A document the visibility rule hides from the hub, then reveals.
    const secret = alice.get("private", DocShape)
    secret.doc.title.insert(0, "hidden")
    await new Promise(resolve => setTimeout(resolve, 50))
    revealPrivate = true
    secret.doc.title.insert(0, "revealed ")
    await new Promise(resolve => setTimeout(resolve, 50))

    hook.flush()
    const messages = transport.messages()
    const state = panelStateOf(messages)
    const repoIdOf = (label: string) => hook.repos().find(repo => repo.label === label)!.repoId
    return {
      state,
      events: messages.flatMap(message => (message.type === "repo/events" ? message.events : [])),
      peers: { hub: hub.identity.peerId, alice: alice.identity.peerId, bob: bob.identity.peerId },
      repoIds: { alice: repoIdOf("alice"), bob: repoIdOf("bob") },
    }
  } finally {
    dispose()
    for (const repo of [hub, alice, bob]) repo.synchronizer.stopHeartbeat()
  }
}

function rowsOf(state: PanelState, filter: Partial<LogFilter>, nested = false): Array<{ record: LogRecord; sub: number }> {
  const index = new FilteredIndex({ ...NO_FILTER, ...filter }, nested)
  expect(index.update(state.log).done).toBe(true)
  return Array.from({ length: index.count }, (_, i) => {
    const row = index.rowAt(i)!
    return { record: recordAt(state.log, rowSeq(row))!, sub: rowSub(row) }
  })
}

const names = (peerId: string) => peerId

describe("the log over a real hub and two spokes", () => {
  let scenario: Scenario
  beforeAll(async () => {
    scenario = await record()
  }, 30_000)

  it("holds every event the hook saw, in order, every kind", () => {
    const records = logRecords(scenario.state.log)
    expect(records.map(record => record.event.id)).toEqual(scenario.events.map(event => event.id))
    expect(new Set(records.map(record => record.event.kind))).toEqual(
      new Set(["sync-message", "channel-in", "channel-out", "emitter", "store", "store-created"]),
    )
  })

  it("decodes a relayed presence frame at bob: alice's key, her value and her own timestamp, whoever relayed it", async () => {
    const { state, peers, repoIds } = scenario
    const frames = logRecords(state.log).filter(
      record =>
        record.event.repoId === repoIds.bob &&
        record.event.kind === "channel-in" &&
        decodeMessage(carriedMessage(record.event)).some(p => p.entries.some(e => e.key === peers.alice)),
    )
    expect(frames.length).toBeGreaterThan(0)
    const frame = frames[0]!
    expect(frame.event.kind === "channel-in" && frame.event.peerId).toBe(peers.hub)
    const [payload] = decodeMessage(carriedMessage(frame.event))
    const entry = payload!.entries.find(e => e.key === peers.alice)!
    expect(entry).toMatchObject({ peer: peers.alice, value: { name: "alice", x: 1 }, deleted: false })
    // The writer's timestamp: the same one alice's own store event reports.
    const aliceStamp = logRecords(state.log)
      .flatMap(record => (record.event.kind === "store" && record.event.repoId === repoIds.alice ? record.event.entries : []))
      .find(e => e.key === peers.alice && !e.deleted)!.timestamp
    expect(entry.timestamp).toBe(aliceStamp)
    // loro-crdt's own EphemeralStore reads the same values from the same bytes.
    await expect(checkWithLoro(payload!.bytes!, payload!.entries)).resolves.toMatchObject({ status: "match" })
  })

  it("filters by peer through the frames' decoded keys, and by kind, repo and channel", () => {
    const { state, peers, repoIds } = scenario
    const aliceAtBob = rowsOf(state, { peerId: peers.alice, repoId: repoIds.bob, kinds: new Set(["channel-in"]) })
    expect(aliceAtBob.length).toBeGreaterThan(0)
    for (const { record } of aliceAtBob) {
      expect(record.event).toMatchObject({ kind: "channel-in", repoId: repoIds.bob, peerId: peers.hub })
    }
    const bobChannel = state.repos.get(repoIds.bob)!.model.channels[0]!.channelId
    const onChannel = rowsOf(state, { channel: channelKey(repoIds.bob, bobChannel), kinds: new Set(["channel-out"]) })
    expect(onChannel.length).toBeGreaterThan(0)
    expect(onChannel.every(({ record }) => record.event.repoId === repoIds.bob && record.event.kind === "channel-out")).toBe(true)
    expect(rowsOf(state, { direction: "out" }).every(({ record }) => record.event.kind === "channel-out")).toBe(true)
  })

  it("nests each message's commands under it, and searches decoded values", () => {
    const { state, repoIds } = scenario
    const rows = rowsOf(state, { repoId: repoIds.bob, kinds: new Set(["sync-message"]) }, true)
    const commandRows = rows.filter(row => row.sub > 0)
    expect(commandRows.length).toBeGreaterThan(0)
    for (const { record, sub } of commandRows) {
      expect(record.event.kind === "sync-message" && record.event.commands[sub - 1]).toBeTruthy()
    }
    // "alice" is inside the frames only as bytes: the search decodes them.
    const found = rowsOf(state, { repoId: repoIds.bob, kinds: new Set(["channel-in"]), search: '"name":"alice"' })
    expect(found.length).toBeGreaterThan(0)
    expect(found.every(({ record }) => searchText(record).includes('"name":"alice"'))).toBe(true)
  })

  it("matches a search part by part exactly as the whole lower-cased search text would", () => {
    const { state, peers } = scenario
    const records = logRecords(state.log)
    // A kind, an id, a decoded value, a peer id, upper case in the JSON, a channel, and nothing.
    const channelId = records.find(record => record.facets.channelIds.length > 0)!.facets.channelIds[0]!
    const needles = ["ephemeral", String(records[3]!.event.id), '"name":"alice"', peers.hub, "uint8array", `#${channelId}`, "zz-nowhere"]
    for (const needle of needles) {
      const expected = records.map(record => searchText(record).includes(needle))
      expect(
        records.map(record => searchMatches(record, needle)),
        needle,
      ).toEqual(expected)
      if (needle !== "zz-nowhere") expect(expected.some(Boolean), needle).toBe(true)
    }
  })

  it("explains a handshake's model change and ties a received frame to the message that handled it", () => {
    const { state, peers, repoIds } = scenario
    const records = logRecords(state.log).filter(record => record.event.repoId === repoIds.alice)
    const handshake = records.find(
      record => record.event.kind === "sync-message" && JSON.stringify(record.event.message).includes("channel/establish-response"),
    )!
    const changes = handshake.event.kind === "sync-message" ? modelChanges(handshake.model, handshake.event.delta, names) : []
    expect(changes).toContainEqual({ part: "channel", id: expect.any(String), change: `connected → established with ${peers.hub}` })
    expect(changes.some(change => change.part === "peer" && change.id === peers.hub && change.change.startsWith("joined"))).toBe(true)
    const frameIn = records.find(record => record.event.kind === "channel-in")!
    const [handled] = relatedRecords(state.log, frameIn)
    expect(handled).toMatchObject({ relation: "handled by" })
    expect(recordAt(state.log, handled!.seq)!.event).toMatchObject({
      kind: "sync-message",
      msgType: "synchronizer/channel-receive-message",
    })
    expect(detailOf(frameIn, names).payloads).toBeDefined()
  })

  it("says who got a local change: an update for the subscribed hub, nothing while hidden, then an announcement", () => {
    const { state, peers, repoIds } = scenario
    const changes = logRecords(state.log).filter(
      record =>
        record.event.repoId === repoIds.alice &&
        record.event.kind === "sync-message" &&
        record.event.msgType === "synchronizer/local-doc-change",
    )
    const byDoc = (docId: string) =>
      changes.filter(record => JSON.stringify(record.event).includes(`"docId":"${docId}"`)).map(record => explainPropagation(record)!)
    const [shared] = byDoc(ROOM)
    expect(shared!.rows).toEqual([
      {
        channelId: expect.any(Number),
        peerId: peers.hub,
        outcome: "update",
        reason: expect.stringMatching(/^subscribed, sync state \w+.*: sent the (snapshot|update)/),
      },
    ])
    const [hidden, revealed] = byDoc("private")
    expect(hidden!.rows[0]).toMatchObject({
      peerId: peers.hub,
      outcome: "nothing",
      reason: expect.stringContaining("visibility permission rule"),
    })
    expect(revealed!.rows[0]).toMatchObject({
      peerId: peers.hub,
      outcome: "announcement",
      reason: expect.stringContaining("not subscribed, sync state unknown"),
    })
    // An ephemeral change went to the subscribed hub as a frame.
    const ephemeral = logRecords(state.log).find(
      record =>
        record.event.repoId === repoIds.alice &&
        record.event.kind === "sync-message" &&
        record.event.msgType === "synchronizer/ephemeral-local-change",
    )!
    expect(explainPropagation(ephemeral)!.rows).toEqual([expect.objectContaining({ peerId: peers.hub, outcome: "ephemeral" })])
  })
})
