import { EphemeralStore } from "loro-crdt"
import { describe, expect, it } from "vitest"
import type { HookEvent, ModelSnapshot, WireValue } from "../../protocol/messages"
import { bytesToHex } from "../../codec/hex"
import { encodeEphemeralEntries } from "../../codec/loro-ephemeral/ephemeral-encoder"
import { decodeMessage, payloadBytes } from "../../devtools-panel/wire/ephemeral-decode"
import { facetsOf } from "../../devtools-panel/wire/facets"
import { checkWithLoro } from "../../devtools-panel/log/loro-check"
import { modelChanges } from "../../devtools-panel/log/model-change"
import { formatVersion } from "../../devtools-panel/values/format"
import { explainPropagation } from "../../devtools-panel/log/propagation"
import { commandText, rowText } from "../../devtools-panel/log/row-summary"
import { eventHistory, rateOf, TrafficWriter } from "../../devtools-panel/wire/traffic-rates"
import { channelRows, syncRows } from "../../devtools-panel/views/sync/sync-rows"
import type { LogRecord } from "../../devtools-panel/state/event-log"
import { applyAll } from "../../devtools-panel/state/apply"
import { initialState } from "../../devtools-panel/state/panel-state"
import { batch, channel, hello, pageStatus, peer, registered, repoInfo } from "../component/fixtures/messages"

const SELF = "100"
const HUB = "900"
const ALICE = "200"
const BOB = "300"

const model = (parts: Partial<ModelSnapshot> = {}): ModelSnapshot => ({
  identity: { peerId: SELF, type: "user" },
  peers: [],
  channels: [],
  documents: [],
  ...parts,
})

function bytesOf(entries: Record<string, WireValue | null>, deleted: string[] = []): WireValue {
  const store = new EphemeralStore(60_000)
  for (const [key, value] of Object.entries(entries)) store.set(key, value as never)
  for (const key of deleted) store.delete(key)
  const data = store.encodeAll()
  store.destroy()
  return { $ephemera: "bytes", type: "Uint8Array", length: data.length, hex: bytesToHex(data), truncated: false }
}

function record(event: HookEvent, at: ModelSnapshot = model()): LogRecord {
  return { seq: 0, event, model: at, facets: facetsOf(event, at, "app") }
}

describe("decoding frames", () => {
  it("attributes entries to the peer in their key, not the frame's sender; tombstones included", async () => {
    const data = bytesOf({ [ALICE]: { name: "alice" }, [BOB]: { name: "bob" } }, [BOB])
    const [payload] = decodeMessage({
      type: "channel/batch",
      messages: [{ type: "channel/ephemeral", docId: "d", hopsRemaining: 0, stores: [{ peerId: HUB, namespace: "presence", data }] }],
    })
    expect(payload!.payload).toMatchObject({
      docId: "d",
      namespace: "presence",
      sender: HUB,
      carrier: "channel/ephemeral",
      hopsRemaining: 0,
    })
    expect(payload!.entries.map(e => [e.key, e.peer, e.deleted])).toEqual([
      [ALICE, ALICE, false],
      [BOB, BOB, true],
    ])
    expect(payload!.entries[0]!.timestamp).toBeGreaterThan(Date.now() - 60_000)
    await expect(checkWithLoro(payload!.bytes!, payload!.entries)).resolves.toMatchObject({
      status: "match",
      values: { [ALICE]: { name: "alice" } },
    })
  })

  it("reads ephemeral data riding on sync requests and responses", () => {
    const data = bytesOf({ [ALICE]: 1 })
    const payloads = decodeMessage({
      type: "channel/sync-response",
      docId: "d",
      transmission: { type: "up-to-date" },
      ephemeral: [{ peerId: ALICE, namespace: "cursor", data }],
    })
    expect(payloads.map(p => [p.payload.carrier, p.entries[0]?.value])).toEqual([["channel/sync-response", 1]])
  })

  it("says why bytes cannot be decoded instead of guessing", () => {
    expect(payloadBytes({ $ephemera: "bytes", length: 100, hex: "00", truncated: true })).toEqual({
      ok: false,
      error: "the hook sent 1 of 100 bytes",
    })
    const [broken] = decodeMessage({
      type: "channel/ephemeral",
      stores: [{ peerId: HUB, namespace: "p", data: { $ephemera: "bytes", length: 2, hex: "05ff", truncated: false } }],
    })
    expect(broken!.error).toMatch(/./)
    expect(broken!.entries).toEqual([])
  })

  it("reports a mismatch when loro-crdt reads the bytes differently", async () => {
    const data = bytesOf({ [ALICE]: { x: 1 } })
    const [payload] = decodeMessage({ type: "channel/ephemeral", stores: [{ peerId: ALICE, namespace: "p", data }] })
    const tampered = payload!.entries.map(entry => ({ ...entry, value: { x: 2 } }))
    const check = await checkWithLoro(payload!.bytes!, tampered)
    expect(check).toMatchObject({ status: "mismatch", differences: [`${ALICE}: loro reads {"x":1}`] })
  })
})

describe("facets and row text", () => {
  const hubChannel = channel(1, HUB)
  const at = model({ channels: [hubChannel] })

  it("names the documents, peers and channels an event involves", () => {
    const out: HookEvent = {
      kind: "channel-out",
      id: 1,
      repoId: "r",
      t: 0,
      toChannelIds: [1],
      msgType: "channel/batch",
      size: 300,
      establishment: false,
      message: {
        type: "channel/batch",
        messages: [
          { type: "channel/sync-request", docId: "a" },
          { type: "channel/new-doc", docIds: ["b"] },
        ],
      },
    }
    expect(facetsOf(out, at, "app")).toEqual({
      label: "app",
      type: "channel/batch",
      direction: "out",
      docIds: ["a", "b"],
      peerIds: [HUB],
      channelIds: [1],
      bytes: 300,
    })
    const received: HookEvent = {
      kind: "sync-message",
      id: 2,
      repoId: "r",
      t: 0,
      msgType: "synchronizer/channel-receive-message",
      message: { envelope: { fromChannelId: 1, message: { type: "channel/ephemeral", docId: "a" } } },
      commands: [{ type: "cmd/remove-ephemeral-peer", depth: 0, detail: { peerId: BOB } }],
      delta: {},
    }
    expect(facetsOf(received, at, "app")).toMatchObject({ direction: "in", docIds: ["a"], peerIds: [HUB, BOB], channelIds: [1] })
  })

  it("sums up a row: the commands a message produced, whose keys a frame carries, a document payload", () => {
    const names = (id: string) => ({ [HUB]: "hub", [ALICE]: "alice" })[id] ?? id
    const message: HookEvent = {
      kind: "sync-message",
      id: 1,
      repoId: "r",
      t: 0,
      msgType: "synchronizer/ephemeral-local-change",
      message: { docId: "d" },
      commands: [
        { type: "cmd/batch", depth: 0 },
        { type: "cmd/emit-ephemeral-change", depth: 1 },
        { type: "cmd/broadcast-ephemeral-namespace", depth: 1, detail: { toChannelIds: [1] } },
      ],
      delta: {},
    }
    expect(rowText(record(message, at), names)).toEqual({
      type: "ephemeral-local-change",
      where: "d",
      summary: "⇒ emit-ephemeral-change, broadcast-ephemeral-namespace · frame: hub",
    })
    expect(commandText({ type: "cmd/broadcast-ephemeral-namespace", depth: 1, detail: { toChannelIds: [1], docId: "d" } }, names)).toEqual({
      type: "broadcast-ephemeral-namespace",
      where: "to #1",
      summary: "",
    })
    const frame: HookEvent = {
      kind: "channel-in",
      id: 2,
      repoId: "r",
      t: 0,
      channelId: 1,
      peerId: HUB,
      msgType: "channel/ephemeral",
      size: 90,
      message: { type: "channel/ephemeral", stores: [{ peerId: HUB, namespace: "cursor", data: bytesOf({ [ALICE]: 1 }) }] },
    }
    expect(rowText(record(frame, at), names)).toEqual({ type: "ephemeral", where: "from #1 hub", summary: "cursor: alice" })
    const update: HookEvent = {
      kind: "channel-out",
      id: 3,
      repoId: "r",
      t: 0,
      toChannelIds: [1],
      msgType: "channel/update",
      size: 500,
      establishment: false,
      message: {
        type: "channel/update",
        docId: "d",
        transmission: { type: "snapshot", data: { $ephemera: "bytes", length: 2048, hex: "00", truncated: true }, version: { [SELF]: 3 } },
      },
    }
    expect(rowText(record(update, at), names).summary).toBe("snapshot 2.0 kB")
  })
})

describe("model change and propagation", () => {
  it("describes peers, channels and documents a delta replaced", () => {
    const before = model({
      peers: [peer(HUB, { channels: [1], subscriptions: [] })],
      channels: [channel(1), channel(2, ALICE)],
      documents: [{ docId: "d", version: { [SELF]: 1 } }],
    })
    const after = {
      ...peer(HUB, { channels: [1], subscriptions: ["d"] }),
      docSyncStates: [{ docId: "d", status: "synced", lastKnownVersion: { [SELF]: 2 } }],
    }
    const changes = modelChanges(
      before,
      { peers: [after], channels: [channel(1, HUB)], documents: [{ docId: "d", version: { [SELF]: 2 } }] },
      id => (id === HUB ? "hub" : id),
    )
    expect(changes).toEqual([
      { part: "peer", id: HUB, change: "subscriptions +d" },
      { part: "peer", id: HUB, change: `d: synced at {${SELF}: 2}` },
      { part: "channel", id: "1", change: "connected → established with hub" },
      { part: "channel", id: "2", change: "removed (network via websocket)" },
      { part: "document", id: "d", change: `version {${SELF}: 1} → {${SELF}: 2}` },
    ])
    expect(formatVersion({ "12345678901234567890": 4 })).toBe("{…7890: 4}")
  })

  it("skips channels not established and the peer a change came from", () => {
    const at = model({
      channels: [channel(1, HUB), channel(2), channel(3, ALICE)],
      peers: [peer(HUB), peer(ALICE, { subscriptions: ["d"] })],
    })
    const imported: HookEvent = {
      kind: "sync-message",
      id: 1,
      repoId: "r",
      t: 0,
      msgType: "synchronizer/doc-imported",
      message: { type: "synchronizer/doc-imported", docId: "d", fromPeerId: ALICE },
      commands: [],
      delta: {},
    }
    expect(explainPropagation(record(imported, at))!.rows.map(row => [row.channelId, row.outcome, row.reason])).toEqual([
      [1, "nothing", "not subscribed, sync state unknown: the visibility permission rule did not reveal the document"],
      [2, "nothing", "channel not established yet"],
      [3, "nothing", "the change came from this peer"],
    ])
    const heartbeat: HookEvent = { ...imported, msgType: "synchronizer/heartbeat", message: {} }
    expect(explainPropagation(record(heartbeat, at))).toBeUndefined()
  })
})

describe("traffic rates", () => {
  const at = model({ channels: [channel(1, HUB)] })
  const frame = (t: number, size: number, out = false): HookEvent =>
    out
      ? {
          kind: "channel-out",
          id: t,
          repoId: "r",
          t,
          toChannelIds: [1],
          msgType: "channel/ephemeral",
          size,
          message: {},
          establishment: false,
        }
      : { kind: "channel-in", id: t, repoId: "r", t, channelId: 1, peerId: HUB, msgType: "channel/ephemeral", size, message: {} }

  it("counts events and bytes per channel and per peer, in and out, per second", () => {
    const writer = new TrafficWriter(new Map())
    for (let i = 0; i < 10; i++) writer.add(frame(100_000 + i * 100, 50), at)
    writer.add(frame(100_500, 200, true), at)
    const stats = writer.result()
    expect([...stats.keys()].length).toBe(2)
    const channelSeries = [...stats.values()].find(series => series.scope === "channel")!
    expect(rateOf(channelSeries, 100_999, 1)).toMatchObject({ eventsIn: 10, eventsOut: 1, bytesIn: 500, bytesOut: 200 })
    expect(rateOf(channelSeries, 104_999)).toMatchObject({ eventsIn: 2, eventsOut: 0.2, bytesIn: 100, bytesOut: 40 })
    // Ten seconds later the window is empty; the minute's history still shows the burst.
    expect(rateOf(channelSeries, 110_000).eventsIn).toBe(0)
    expect(eventHistory(channelSeries, 110_000).filter(n => n > 0)).toEqual([11])
  })

  it("counts the messages inside a batch and the entries of each payload, and each payload's sender", () => {
    const bytes = (keys: string[]): WireValue => {
      const data = encodeEphemeralEntries(keys.map(key => ({ key, value: { x: 1 }, timestamp: 5 })))
      return { $ephemera: "bytes", type: "Uint8Array", length: data.length, hex: bytesToHex(data), truncated: false }
    }
    // A hub's frame: its own copy of a three-key store, and bob's forwarded frame.
    const message: WireValue = {
      type: "channel/batch",
      messages: [
        {
          type: "channel/ephemeral",
          docId: "d",
          hopsRemaining: 1,
          stores: [{ peerId: HUB, namespace: "cursor", data: bytes(["1", "2", "3"]) }],
        },
        { type: "channel/ephemeral", docId: "d", hopsRemaining: 0, stores: [{ peerId: "2", namespace: "cursor", data: bytes(["2"]) }] },
        { type: "channel/sync-request", docId: "d" },
      ],
    }
    const writer = new TrafficWriter(new Map())
    writer.add(
      { kind: "channel-in", id: 1, repoId: "r", t: 100_000, channelId: 1, peerId: HUB, msgType: "channel/batch", size: 90, message },
      at,
    )
    writer.add(
      {
        kind: "channel-out",
        id: 2,
        repoId: "r",
        t: 100_000,
        toChannelIds: [1],
        msgType: "channel/batch",
        size: 90,
        message,
        establishment: false,
      },
      at,
    )
    const series = (scope: string, id: string) => [...writer.result().values()].find(s => s.scope === scope && s.id === id)!
    expect(rateOf(series("channel", "1"), 100_999, 1)).toEqual({
      eventsIn: 1,
      eventsOut: 1,
      bytesIn: 90,
      bytesOut: 90,
      messagesIn: 3,
      messagesOut: 3,
      entriesIn: 4,
      entriesOut: 4,
    })
    expect(rateOf(series("sender", HUB), 100_999, 1)).toMatchObject({ messagesIn: 1, entriesIn: 3, eventsIn: 0 })
    expect(rateOf(series("sender", "2"), 100_999, 1)).toMatchObject({ messagesIn: 1, entriesIn: 1 })
  })

  it("copies a series once per batch and never changes the previous stats", () => {
    const first = new TrafficWriter(new Map())
    first.add(frame(1_000, 10), at)
    const before = first.result()
    const second = new TrafficWriter(before)
    second.add(frame(1_100, 10), at)
    const series = [...before.values()][0]!
    expect(rateOf(series, 1_999, 1).eventsIn).toBe(1)
    expect(rateOf([...second.result().values()][0]!, 1_999, 1).eventsIn).toBe(2)
  })
})

describe("sync inspector rows", () => {
  it("lists every document against every peer, with sync state, subscription and ready state", () => {
    const hub = {
      ...peer(HUB, { name: "hub", channels: [1], subscriptions: ["d"] }),
      docSyncStates: [{ docId: "d", status: "synced", lastKnownVersion: { [SELF]: 2 }, lastUpdated: 5 }],
    }
    const state = applyAll(
      initialState(),
      [pageStatus(true), batch(1, hello(), registered(repoInfo(), { peers: [hub, peer(ALICE)], channels: [channel(1, HUB), channel(2)] }))],
      0,
    )
    const repo = state.repos.get("r1")!
    const withReady = {
      ...repo,
      model: {
        ...repo.model,
        documents: [
          {
            docId: "d",
            version: {},
            readyStates: [
              {
                status: "synced",
                docId: "d",
                identity: { peerId: HUB },
                channels: [{ kind: "network", state: "established", adapterType: "ws" }],
              },
            ],
          },
        ],
      },
    }
    expect(syncRows(withReady).map(row => [row.peerId, row.status, row.subscribed, row.ready?.status ?? "", row.connected])).toEqual([
      [SELF, "—", false, "", true],
      [HUB, "synced", true, "synced", true],
      // In the model without a channel: nothing is in sync with alice now.
      [ALICE, "disconnected", false, "", false],
    ])
    expect(syncRows(withReady)[1]!.ready!.channels).toBe("network established via ws")
    expect(channelRows(repo).map(row => [row.channelId, row.kind, row.adapterType, row.established, row.peerId])).toEqual([
      [1, "network", "websocket", true, HUB],
      [2, "network", "websocket", false, undefined],
    ])
  })
})
