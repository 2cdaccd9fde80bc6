import { describe, expect, it } from "vitest"
import { PROTOCOL_VERSION, type BackgroundToPanelMessage, type HookEvent, type WireValue } from "../../protocol/messages"
import { apply, applyAll } from "../../devtools-panel/state/apply"
import { logEvents } from "../../devtools-panel/state/event-log"
import { RATE_WINDOW_MS, updateRate } from "../../devtools-panel/state/members"
import {
  droppedTotal,
  dropReasons,
  initialState,
  lostTotal,
  protocolMismatch,
  type PanelState,
} from "../../devtools-panel/state/panel-state"
import { memberRows, roomSummaries } from "../../devtools-panel/state/queries"
import { snapshotOf } from "../../devtools-panel/state/snapshot"
import { entryCredit } from "../../devtools-panel/state/entry-credit"
import { shortId } from "../../devtools-panel/values/format"
import {
  PAGE_URL,
  T0,
  batch,
  channel,
  channelIn,
  channelOut,
  entry,
  events,
  hello,
  pageStatus,
  peer,
  registered,
  relayStats,
  repoInfo,
  store,
  storeCreated,
  storeEvent,
  syncMessage,
  tombstone,
} from "../component/fixtures/messages"

const DOC = "room-1"
const SELF = "100"
const DIRECT = "200"
const RELAYED = "300"
const HUB = "900"

/** A page with one repo: itself, a directly connected peer and a peer relayed by a hub. */
function registration() {
  return registered(repoInfo(), {
    peers: [peer(DIRECT, { name: "bob", channels: [1], subscriptions: [DOC] }), peer(HUB, { channels: [2], subscriptions: [DOC] })],
    channels: [channel(1, DIRECT), channel(2, HUB, "network", "sse")],
    stores: [
      store(DOC, "presence", [
        entry(SELF, { name: "alice", cursor: { x: 1, y: 2 } }, T0 - 50),
        entry(DIRECT, { name: "bob", cursor: { x: 5, y: 5 } }, T0 - 40),
        entry(RELAYED, { name: "carol", cursor: null }, T0 - 30),
      ]),
      store(DOC, "typing", [entry(DIRECT, false, T0 - 40)]),
    ],
  })
}

function run(...messages: BackgroundToPanelMessage[]): PanelState {
  return applyAll(initialState(), messages, T0)
}

function opened(): PanelState {
  return run(pageStatus(true), batch(1, hello(), registration()))
}

/** The opened page's next batch carries these events of r1, applied at `now`. */
function afterOpened(now: number, ...list: HookEvent[]): PanelState {
  return apply(opened(), batch(2, events("r1", ...list)), now)
}

/** A frame carrying `owner`'s presence store as the wire reader describes it: whose store, not its bytes. */
function presenceFrame(owner: string, hopsRemaining: number, length: number): WireValue {
  return {
    type: "channel/ephemeral",
    docId: DOC,
    hopsRemaining,
    stores: [{ peerId: owner, namespace: "presence", data: { $ephemera: "bytes", length } }],
  }
}

function entryOf(state: PanelState, namespace: string, key: string, repoId = "r1", docId = DOC) {
  return state.repos.get(repoId)?.rooms.get(docId)?.namespaces.get(namespace)?.get(key)
}

function memberOf(state: PanelState, peerId: string, repoId = "r1", docId = DOC) {
  return state.repos.get(repoId)?.rooms.get(docId)?.members.get(peerId)
}

describe("registration snapshot", () => {
  it("builds repos, rooms, namespaces and members from the snapshot", () => {
    const state = opened()
    expect(state.hook).toEqual({ version: "0.1.0", protocol: PROTOCOL_VERSION, url: PAGE_URL, instance: "hook-1" })
    expect(snapshotOf(state)).toEqual({
      repos: [
        {
          repoId: "r1",
          label: "my-app",
          peerId: SELF,
          gone: false,
          rooms: [
            {
              docId: DOC,
              namespaces: {
                presence: {
                  [SELF]: { value: { name: "alice", cursor: { x: 1, y: 2 } }, deleted: false, timestamp: T0 - 50 },
                  [DIRECT]: { value: { name: "bob", cursor: { x: 5, y: 5 } }, deleted: false, timestamp: T0 - 40 },
                  [RELAYED]: { value: { name: "carol", cursor: null }, deleted: false, timestamp: T0 - 30 },
                },
                typing: { [DIRECT]: { value: false, deleted: false, timestamp: T0 - 40 } },
              },
            },
          ],
        },
      ],
      dropped: 0,
      lost: 0,
    })
    const repo = state.repos.get("r1")!
    expect(roomSummaries(repo)).toEqual([{ docId: DOC, presentMembers: 4, namespaces: ["presence", "typing"], lastActivity: undefined }])
    const rows = memberRows(repo, repo.rooms.get(DOC)!)
    expect(rows.map(row => [row.peerId, row.name, row.present, row.connection.kind])).toEqual([
      [SELF, "alice", true, "self"],
      [DIRECT, "bob", true, "direct"],
      [RELAYED, "carol", true, "none"],
      [HUB, undefined, true, "direct"],
    ])
    // Keys first seen in a snapshot are not changes.
    expect(entryOf(state, "presence", DIRECT)?.changes).toBe(0)
  })

  it("makes rooms of documents that only have subscribed peers", () => {
    const state = run(
      pageStatus(true),
      batch(
        1,
        hello(),
        registered(repoInfo(), { peers: [peer(DIRECT, { channels: [1], subscriptions: ["doc-b"] })], channels: [channel(1, DIRECT)] }),
      ),
    )
    const room = state.repos.get("r1")!.rooms.get("doc-b")!
    expect([...room.namespaces.keys()]).toEqual([])
    expect(room.members.get(DIRECT)?.present).toBe(true)
  })

  it("re-announcing the same repo changes nothing (resync is idempotent)", () => {
    const first = opened()
    const again = apply(first, batch(2, hello(), registration()), T0 + 5_000)
    expect(again.repos).toEqual(first.repos)
    expect(snapshotOf(again)).toEqual(snapshotOf(first))
    // Unchanged keys keep their objects: nothing re-renders.
    expect(entryOf(again, "presence", DIRECT)).toBe(entryOf(first, "presence", DIRECT))
  })

  it("keeps history across a resync and takes what changed meanwhile", () => {
    const first = afterOpened(
      T0,
      storeEvent("r1", DOC, "presence", "import", [entry(DIRECT, { name: "bob", cursor: { x: 6, y: 5 } }, T0 + 10)], T0 + 10),
    )
    const changed = registered(repoInfo(), {
      peers: [peer(DIRECT, { name: "bob", channels: [1], subscriptions: [DOC] })],
      channels: [channel(1, DIRECT)],
      stores: [
        store(DOC, "presence", [
          entry(SELF, { name: "alice", cursor: { x: 1, y: 2 } }, T0 + 20),
          entry(DIRECT, { name: "bob", cursor: { x: 7, y: 5 } }, T0 + 20),
        ]),
      ],
    })
    const state = apply(first, batch(3, changed), T0 + 30)
    expect(entryOf(state, "presence", DIRECT)).toMatchObject({
      value: { name: "bob", cursor: { x: 7, y: 5 } },
      changes: 2,
      changedAt: T0 + 30,
    })
    expect(entryOf(state, "presence", SELF)).toMatchObject({ changes: 0, timestamp: T0 + 20 })
    expect(entryOf(state, "presence", RELAYED)).toBeUndefined()
    expect(state.repos.get("r1")!.rooms.get(DOC)!.namespaces.has("typing")).toBe(false)
    expect(memberOf(state, RELAYED)).toMatchObject({ present: false, goneAt: T0 + 30 })
    expect(memberOf(state, DIRECT)?.firstSeen).toBe(T0)
  })
})

describe("store events", () => {
  it("credits a value that came in another peer's copy to its writer and names the re-stamper, never this repo", () => {
    // The hub's own copy of the store (its heartbeat re-stamped it), carrying carol's key and alice's own.
    const frame = presenceFrame(HUB, 1, 24)
    const state = afterOpened(
      T0 + 200,
      channelIn("r1", 2, HUB, frame, T0 + 100),
      storeEvent(
        "r1",
        DOC,
        "presence",
        "import",
        [
          entry(RELAYED, { name: "carol", cursor: { x: 9, y: 9 } }, T0 + 99),
          entry(SELF, { name: "alice", cursor: { x: 0, y: 0 } }, T0 + 99),
        ],
        T0 + 101,
      ),
    )
    expect(entryOf(state, "presence", RELAYED)).toMatchObject({ changedBy: RELAYED, copiedFrom: HUB, via: { channelId: 2, peerId: HUB } })
    const own = entryOf(state, "presence", SELF)!
    expect(own).toMatchObject({ changedBy: SELF, copiedFrom: HUB })
    expect(entryCredit(own, SELF)).toMatchObject({ text: `re-stamped by ${shortId(HUB)}`, overwritten: true })
    expect(entryCredit(own, SELF).text).not.toContain("this repo")
    expect(entryCredit(entryOf(state, "presence", RELAYED)!, SELF).text).toBe(`${shortId(RELAYED)} · re-stamped by ${shortId(HUB)}`)
  })

  it("applies a remote update, attributed to the channel that delivered it", () => {
    // Carol's own frame, forwarded unchanged by the hub: its stores still name carol.
    const frame = presenceFrame(RELAYED, 0, 12)
    const state = afterOpened(
      T0 + 200,
      channelIn("r1", 2, HUB, frame, T0 + 100),
      storeEvent("r1", DOC, "presence", "import", [entry(RELAYED, { name: "carol", cursor: { x: 9, y: 9 } }, T0 + 99)], T0 + 101),
    )
    expect(entryOf(state, "presence", RELAYED)).toEqual({
      key: RELAYED,
      value: { name: "carol", cursor: { x: 9, y: 9 } },
      deleted: false,
      timestamp: T0 + 99,
      size: undefined,
      changedAt: T0 + 101,
      changes: 1,
      changedBy: RELAYED,
      via: { channelId: 2, peerId: HUB },
    })
    const repo = state.repos.get("r1")!
    const carol = memberRows(repo, repo.rooms.get(DOC)!).find(row => row.peerId === RELAYED)!
    expect(carol.connection).toEqual({ kind: "relayed", via: { channelId: 2, peerId: HUB }, channel: channel(2, HUB, "network", "sse") })
    expect(carol.lastUpdate).toBe(T0 + 101)
    expect(updateRate(carol.activity, T0 + 200)).toBe(1 / (RATE_WINDOW_MS / 1000))
    expect(repo.rooms.get(DOC)!.lastActivity).toBe(T0 + 101)
  })

  it("counts every change of a batch, also when several events touch the same room", () => {
    const state = afterOpened(
      T0,
      storeEvent("r1", DOC, "presence", "import", [entry(DIRECT, { name: "bob", cursor: { x: 1, y: 1 } }, T0 + 1)], T0 + 1),
      storeEvent("r1", DOC, "presence", "import", [entry(DIRECT, { name: "bob", cursor: { x: 2, y: 2 } }, T0 + 2)], T0 + 2),
      storeEvent("r1", DOC, "typing", "import", [entry(DIRECT, true, T0 + 3)], T0 + 3),
    )
    expect(entryOf(state, "presence", DIRECT)).toMatchObject({ changes: 2, changedAt: T0 + 2 })
    expect(entryOf(state, "typing", DIRECT)).toMatchObject({ changes: 1, value: true })
    expect(memberOf(state, DIRECT)?.recent).toEqual([T0 + 1, T0 + 2, T0 + 3])
    expect(state.repos.get("r1")!.rooms.get(DOC)!.lastActivity).toBe(T0 + 3)
  })

  it("attributes imports inside a channel/batch frame", () => {
    const frame = { type: "channel/batch", messages: [{ type: "channel/ephemeral", docId: DOC, hopsRemaining: 0, stores: [] }] }
    const state = afterOpened(
      T0,
      channelIn("r1", 2, HUB, frame, T0 + 1),
      storeEvent("r1", DOC, "presence", "import", [entry("400", 1, T0)], T0 + 2),
    )
    expect(entryOf(state, "presence", "400")?.via).toEqual({ channelId: 2, peerId: HUB })
  })

  it("credits a local value change to this repo's peer", () => {
    const state = afterOpened(
      T0,
      storeEvent("r1", DOC, "presence", "local", [entry(SELF, { name: "alice", cursor: { x: 2, y: 2 } }, T0 + 5)], T0 + 5),
    )
    expect(entryOf(state, "presence", SELF)).toMatchObject({ changes: 1, changedBy: SELF, changedAt: T0 + 5, via: undefined })
  })

  it("a heartbeat re-stamp with the same value updates the timestamp but is not a change", () => {
    const before = opened()
    const restamp = storeEvent(
      "r1",
      DOC,
      "presence",
      "local",
      [
        entry(SELF, { name: "alice", cursor: { x: 1, y: 2 } }, T0 + 10_000),
        entry(DIRECT, { cursor: { x: 5, y: 5 }, name: "bob" }, T0 + 10_000),
        entry(RELAYED, { name: "carol", cursor: null }, T0 + 10_000),
      ],
      T0 + 10_000,
    )
    const after = apply(before, batch(2, events("r1", restamp)), T0 + 10_000)
    for (const key of [SELF, DIRECT, RELAYED]) {
      const was = entryOf(before, "presence", key)!
      const now = entryOf(after, "presence", key)!
      expect(now.timestamp).toBe(T0 + 10_000)
      expect(now.changes).toBe(was.changes)
      expect(now.changedAt).toBe(was.changedAt)
      expect(now.changedBy).toBe(key)
      expect(memberOf(after, key)).toBe(memberOf(before, key))
    }
    expect(after.repos.get("r1")!.rooms.get(DOC)!.lastActivity).toBeUndefined()
  })

  it("an identical event (same value, same timestamp) changes nothing at all", () => {
    const before = opened()
    const after = apply(
      before,
      batch(2, events("r1", storeEvent("r1", DOC, "typing", "import", [entry(DIRECT, false, T0 - 40)], T0 + 1))),
      T0,
    )
    expect(after.repos.get("r1")!.rooms).toBe(before.repos.get("r1")!.rooms)
  })

  it("creates namespaces and rooms on demand", () => {
    const state = afterOpened(T0, storeCreated("r1", "room-2", "cursors", T0 + 1))
    expect(snapshotOf(state).repos[0].rooms.map(room => [room.docId, room.namespaces])).toEqual([
      [DOC, expect.any(Object)],
      ["room-2", { cursors: {} }],
    ])
  })
})

describe("tombstones and presence", () => {
  it("keeps a deleted key as a tombstone and marks its member gone when nothing else is live", () => {
    let state = opened()
    state = apply(state, batch(2, events("r1", storeEvent("r1", DOC, "presence", "import", [tombstone(RELAYED, T0 + 500)], T0 + 501))), T0)
    expect(entryOf(state, "presence", RELAYED)).toMatchObject({ deleted: true, timestamp: T0 + 500, changes: 1 })
    expect(entryOf(state, "presence", RELAYED)).not.toHaveProperty("value")
    expect(snapshotOf(state).repos[0].rooms[0].namespaces.presence[RELAYED]).toEqual({ deleted: true, timestamp: T0 + 500 })
    expect(memberOf(state, RELAYED)).toMatchObject({ present: false, goneAt: T0 + 501 })
  })

  it("a directly connected peer is gone once its keys are tombstoned and its channels are closed", () => {
    let state = opened()
    state = apply(state, batch(2, events("r1", storeEvent("r1", DOC, "presence", "import", [tombstone(DIRECT, T0 + 10)], T0 + 10))), T0)
    // Still live in the typing namespace and still connected.
    expect(memberOf(state, DIRECT)?.present).toBe(true)
    state = apply(state, batch(3, events("r1", storeEvent("r1", DOC, "typing", "import", [tombstone(DIRECT, T0 + 20)], T0 + 20))), T0)
    expect(memberOf(state, DIRECT)?.present).toBe(true)
    state = apply(
      state,
      batch(
        4,
        events(
          "r1",
          syncMessage(
            "r1",
            "synchronizer/channel-removed",
            {
              peers: [peer(DIRECT, { channels: [], subscriptions: [DOC] }), peer(HUB, { channels: [2], subscriptions: [DOC] })],
              channels: [channel(2, HUB)],
            },
            T0 + 30,
          ),
        ),
      ),
      T0,
    )
    expect(memberOf(state, DIRECT)).toMatchObject({ present: false, goneAt: T0 + 30 })
    const repo = state.repos.get("r1")!
    expect(roomSummaries(repo)[0].presentMembers).toBe(3)
    // A return clears the departure.
    state = apply(
      state,
      batch(5, events("r1", storeEvent("r1", DOC, "presence", "import", [entry(DIRECT, { name: "bob" }, T0 + 40)], T0 + 40))),
      T0,
    )
    expect(memberOf(state, DIRECT)).toMatchObject({ present: true })
    expect(memberOf(state, DIRECT)?.goneAt).toBeUndefined()
  })

  it("model deltas replace peers and channels and add rooms for new subscriptions", () => {
    const state = afterOpened(
      T0,
      syncMessage(
        "r1",
        "synchronizer/channel-added",
        { peers: [peer("500", { channels: [3], subscriptions: ["room-9"] })], channels: [channel(3, "500", "storage", "indexeddb")] },
        T0 + 1,
      ),
    )
    const repo = state.repos.get("r1")!
    expect(repo.model.channels).toEqual([channel(3, "500", "storage", "indexeddb")])
    expect(repo.rooms.get("room-9")!.members.get("500")).toMatchObject({ present: true, firstSeen: T0 + 1 })
    expect(memberRows(repo, repo.rooms.get("room-9")!)[0].connection).toEqual({
      kind: "direct",
      channels: [channel(3, "500", "storage", "indexeddb")],
    })
  })
})

describe("batches and loss", () => {
  it("counts missing seq numbers as lost batches", () => {
    let state = opened()
    state = apply(state, batch(2), T0)
    state = apply(state, batch(5), T0)
    expect(state.lostBatches).toBe(2)
    state = apply(state, batch(6, { type: "hook/dropped", count: 40, reason: "buffer-full" }), T0)
    expect(state.hookDropped).toBe(40)
    expect(state.hookDropReasons).toEqual({ "buffer-full": 40 })
    expect(lostTotal(state)).toBe(42)
    expect(snapshotOf(state).lost).toBe(42)
  })

  it("a seq going backwards with a new hook's hello is a reload: not a loss, and the old page's repos are gone", () => {
    let state = apply(opened(), batch(2), T0)
    state = apply(state, batch(1, hello(undefined, undefined, "hook-2")), T0 + 1)
    expect(state.lostBatches).toBe(0)
    expect(state.repos.get("r1")).toMatchObject({ gone: true, goneReason: "page reloaded" })
    expect(state.lastSeq).toBe(1)
    state = apply(state, batch(2), T0 + 2)
    expect(state.lostBatches).toBe(0)
  })

  it("a seq going backwards without one (a repeat, or a page posing as the hook) is refused and counted, not taken for a reload", () => {
    let state = apply(opened(), batch(5), T0)
    const lost = state.lostBatches
    for (const forged of [batch(0), batch(5, hello()), batch(3, registered(repoInfo({ repoId: "r9", peerId: "909" })))])
      state = apply(state, forged, T0 + 1)
    expect(state.repos.get("r1")).toMatchObject({ gone: false })
    expect(state.repos.has("r9")).toBe(false)
    expect(state.unreadable).toEqual({ "out-of-order": 3 })
    expect(droppedTotal(state)).toBe(3)
    expect(state.lastSeq).toBe(5)
    state = apply(state, batch(6), T0 + 2)
    expect(state.lostBatches).toBe(lost)
  })

  it("reads a jump no real loss explains as a new numbering: not lost, and the batches after it still apply", () => {
    let state = apply(opened(), batch(2), T0)
    // What a page once did to freeze the panel: one batch numbered 2^53 - 1.
    state = apply(state, batch(2 ** 53 - 1), T0 + 1)
    expect(state.lostBatches).toBe(0)
    expect(state.seqResets).toBe(1)
    state = apply(
      state,
      batch(3, events("r1", storeEvent("r1", DOC, "presence", "local", [entry(SELF, { x: 3 }, T0 + 2)], T0 + 2))),
      T0 + 2,
    )
    expect(state.seqResets).toBe(2)
    expect(state.repos.get("r1")!.rooms.get(DOC)!.namespaces.get("presence")!.get(SELF)).toMatchObject({ value: { x: 3 } })
    state = apply(state, batch(4), T0 + 3)
    expect(lostTotal(state)).toBe(0)
    expect(state.unreadable).toEqual({})
  })

  it("takes a large gap the relay accounts for as lost batches", () => {
    let state = apply(opened(), batch(2), T0)
    state = apply(state, { type: "background/page-batch", batch: { seq: 5_003, messages: [] }, skipped: 5_000 }, T0 + 1)
    expect(state.lostBatches).toBe(5_000)
    expect(state.seqResets).toBe(0)
  })

  it("remembers when the page last sent anything, heartbeats included", () => {
    let state = apply(initialState(), pageStatus(true), T0)
    expect(state.page.since).toBe(T0)
    expect(state.lastDataAt).toBeUndefined()
    state = apply(state, batch(2, { type: "hook/heartbeat" }), T0 + 1_000)
    expect(state.lastDataAt).toBe(T0 + 1_000)
    // A repeated connected status (a restarted service worker) is not a new connection.
    state = apply(state, pageStatus(true), T0 + 2_000)
    expect(state.page.since).toBe(T0)
    state = apply(state, pageStatus(false), T0 + 3_000)
    state = apply(state, pageStatus(true), T0 + 4_000)
    expect(state.page.since).toBe(T0 + 4_000)
  })

  it("keeps what the hook says it lost, latest last and bounded", () => {
    let state = opened()
    const item = (key: string) => ({ repoId: "r1", kind: "store", keys: [`presence/${key}`], size: 5_000_000 })
    state = apply(state, batch(2, { type: "hook/dropped", count: 1, reason: "message-too-large", lost: [item("a")] }), T0)
    expect(state.hookLost).toEqual([item("a")])
    const many = Array.from({ length: 30 }, (_, index) => item(`k${index}`))
    state = apply(
      state,
      batch(3, { type: "hook/dropped", count: 30, reason: "message-too-large", lost: [...many, { repoId: 5 } as never] }),
      T0,
    )
    expect(state.hookLost).toHaveLength(20)
    expect(state.hookLost.at(-1)).toEqual(item("k29"))
    expect(lostTotal(state)).toBe(31)
  })

  it("keeps relay statistics as reported", () => {
    const state = apply(opened(), relayStats({ dropped: 12_345, byReason: { "foreign-source": 12_000, "bad-shape": 345 }, lost: 3 }), T0)
    expect(state.relay).toEqual({ dropped: 12_345, byReason: { "foreign-source": 12_000, "bad-shape": 345 }, lost: 3 })
    expect(snapshotOf(state).dropped).toBe(12_345)
  })
})

describe("page reload", () => {
  it("a hello from a new hook instance marks the old repos gone; the new page's repo takes the same slot", () => {
    let state = applyAll(opened(), [batch(2, registered(repoInfo({ repoId: "r2", label: "other", peerId: "101" })))], T0)
    state = applyAll(state, [pageStatus(false), pageStatus(true)], T0 + 1_000)
    // New page: the hook's ids start again; r7 has r1's label and takes its place.
    state = apply(
      state,
      batch(
        1,
        hello(undefined, undefined, "hook-2"),
        registered(repoInfo({ repoId: "r7", peerId: "700" }), {
          stores: [store(DOC, "presence", [entry("700", { name: "alice" }, T0 + 2_000)])],
        }),
      ),
      T0 + 2_000,
    )
    expect(snapshotOf(state).repos.map(repo => [repo.repoId, repo.label, repo.gone])).toEqual([
      ["r7", "my-app", false],
      ["r2", "other", true],
    ])
    expect(snapshotOf(state).repos[0].rooms[0].namespaces.presence).toEqual({
      "700": { value: { name: "alice" }, deleted: false, timestamp: T0 + 2_000 },
    })
  })

  it("a service-worker restart (page disconnected then connected, same hook) keeps repos and history", () => {
    let state = afterOpened(T0, storeEvent("r1", DOC, "presence", "import", [entry(DIRECT, 1, T0 + 1)], T0 + 1))
    state = applyAll(state, [pageStatus(false), pageStatus(true)], T0 + 10)
    state = apply(state, batch(3, hello(), registration()), T0 + 20)
    expect(state.repos.get("r1")).toMatchObject({ gone: false })
    // History survives: the member was first seen before the restart.
    expect(memberOf(state, DIRECT)?.firstSeen).toBeLessThan(T0 + 10)
    expect(state.lostBatches).toBe(0)
  })

  it("a re-registration with the same id after a reload starts without the old page's history", () => {
    let state = afterOpened(T0, storeEvent("r1", DOC, "presence", "import", [entry(DIRECT, 1, T0 + 1)], T0 + 1))
    state = applyAll(state, [pageStatus(false), pageStatus(true)], T0 + 10)
    state = apply(state, batch(1, hello(undefined, undefined, "hook-2"), registration()), T0 + 20)
    expect(state.repos.get("r1")).toMatchObject({ gone: false })
    expect(entryOf(state, "presence", DIRECT)?.changes).toBe(0)
    expect(memberOf(state, DIRECT)?.firstSeen).toBe(T0 + 20)
  })

  it("a hook/hello from another url resets the page", () => {
    const state = apply(opened(), batch(2, hello("http://127.0.0.1:4173/other")), T0 + 5)
    expect(state.repos.get("r1")).toMatchObject({ gone: true, goneReason: "page navigated" })
    expect(state.hook?.url).toBe("http://127.0.0.1:4173/other")
  })

  it("a new url without a disconnect in between is a new page too", () => {
    const state = apply(opened(), pageStatus(true, "http://127.0.0.1:4173/next"), T0)
    expect(state.repos.get("r1")?.gone).toBe(true)
  })

  it("unregistered repos stay listed as gone with their data", () => {
    const state = apply(opened(), batch(2, { type: "repo/unregistered", repoId: "r1", reason: "unregistered" }), T0 + 3)
    expect(state.repos.get("r1")).toMatchObject({ gone: true, goneReason: "unregistered", goneAt: T0 + 3 })
    expect(entryOf(state, "presence", DIRECT)).toBeDefined()
  })
})

describe("taps, attach, log", () => {
  it("collects disabled taps from the registration and from repo/tap-disabled", () => {
    let state = run(
      pageStatus(true),
      batch(
        1,
        registered(repoInfo(), {
          taps: [
            { tap: "emitter", enabled: false, reason: "synchronizer.emitter.onAny missing" },
            { tap: "stores", enabled: true },
          ],
        }),
      ),
    )
    state = apply(
      state,
      batch(2, { type: "repo/tap-disabled", repoId: "r1", tap: "channel-receive", reason: "TypeError: onReceive is read-only" }),
      T0,
    )
    expect([...state.repos.get("r1")!.disabledTaps]).toEqual([
      ["emitter", "synchronizer.emitter.onAny missing"],
      ["channel-receive", "TypeError: onReceive is read-only"],
    ])
  })

  it("records attach results by request id", () => {
    const state = apply(
      opened(),
      batch(2, { type: "attach/result", requestId: "a1", ok: false, error: "window.app.repo is undefined" }),
      T0,
    )
    expect(state.attachResults.get("a1")).toEqual({ ok: false, repoId: undefined, error: "window.app.repo is undefined" })
  })

  it("keeps traffic events in a bounded log", () => {
    let state = applyAll(initialState(3), [pageStatus(true), batch(1, registration())], T0)
    state = apply(
      state,
      batch(
        2,
        events(
          "r1",
          channelOut("r1", [1], "channel/ephemeral", 1),
          channelOut("r1", [1], "channel/update", 2),
          channelOut("r1", [2], "channel/ephemeral", 3),
          channelOut("r1", [2], "channel/batch", 4),
        ),
      ),
      T0,
    )
    expect(state.log.total).toBe(4)
    expect(logEvents(state.log).map(event => event.t)).toEqual([2, 3, 4])
    expect(state.repos.get("r1")!.eventCount).toBe(4)
  })
})

describe("robustness", () => {
  it("never mutates the previous state", () => {
    const before = opened()
    const frozen = JSON.stringify(snapshotOf(before))
    const beforeEntry = entryOf(before, "presence", DIRECT)
    apply(
      before,
      batch(
        2,
        events("r1", storeEvent("r1", DOC, "presence", "import", [entry(DIRECT, "changed", T0 + 1), tombstone(SELF, T0 + 1)], T0 + 1)),
      ),
      T0,
    )
    expect(JSON.stringify(snapshotOf(before))).toBe(frozen)
    expect(entryOf(before, "presence", DIRECT)).toBe(beforeEntry)
  })

  it("ignores unknown messages, unknown event kinds and malformed parts", () => {
    const before = opened()
    const odd = [
      { type: "background/something-new" },
      {
        type: "background/page-batch",
        batch: {
          seq: 2,
          messages: [
            { type: "hook/new-thing" },
            null,
            { type: "repo/events", repoId: "r1", events: [{ kind: "future" }, null, { kind: "store", docId: DOC }] },
          ],
        },
      },
      { type: "background/page-batch", batch: null },
      null,
    ] as unknown as BackgroundToPanelMessage[]
    const after = applyAll(before, odd, T0)
    expect(snapshotOf(after)).toEqual(snapshotOf(before))
  })

  it("survives malformed model parts from the page", () => {
    const junk = {
      peers: [null, 5, { identity: null }, { identity: { peerId: "600" }, subscriptions: "room-1", channels: null }],
      channels: [null, { channelId: "x" }],
      documents: [1],
    }
    const state = afterOpened(T0, syncMessage("r1", "synchronizer/channel-added", junk as never, T0 + 1))
    const repo = state.repos.get("r1")!
    expect(repo.model.peers).toEqual([{ identity: { peerId: "600" }, channels: [], subscriptions: [], docSyncStates: [] }])
    expect(repo.model.channels).toEqual([])
    expect(() => memberRows(repo, repo.rooms.get(DOC)!)).not.toThrow()
  })

  it("treats keys like __proto__ as ordinary keys", () => {
    const state = afterOpened(T0, storeEvent("r1", DOC, "presence", "import", [entry("__proto__", { polluted: true }, T0)], T0))
    const snapshot = snapshotOf(state)
    expect(Object.hasOwn(snapshot.repos[0].rooms[0].namespaces.presence, "__proto__")).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe("what was refused on the way", () => {
  it("adds the page text the panel could not read to what the relay refused, by reason", () => {
    let state = apply(
      initialState(),
      { type: "background/relay-stats", stats: { dropped: 5, byReason: { "bad-version": 4, "bad-shape": 1 }, lost: 0 } },
      0,
    )
    state = apply(state, { type: "panel/unreadable", reason: "bad-shape", count: 3 }, 1)
    state = apply(state, { type: "panel/unreadable", reason: "too-large", count: 1 }, 2)
    expect(droppedTotal(state)).toBe(9)
    expect(Object.fromEntries(dropReasons(state))).toEqual({ "bad-version": 4, "bad-shape": 4, "too-large": 1 })
    // A later relay snapshot replaces the relay's counts, never the panel's own.
    state = apply(state, { type: "background/relay-stats", stats: { dropped: 6, byReason: { "bad-version": 6 }, lost: 0 } }, 3)
    expect(droppedTotal(state)).toBe(10)
  })
})

describe("a page whose hook speaks another protocol", () => {
  it("knows which versions from the relay's report, and forgets it when a new relay reports none", () => {
    let state = run(pageStatus(true))
    expect(protocolMismatch(state, PROTOCOL_VERSION)).toBeUndefined()
    state = apply(
      state,
      relayStats({ dropped: 1, byReason: { "bad-version": 1 }, pageProtocol: { protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" } }),
      T0,
    )
    expect(protocolMismatch(state, PROTOCOL_VERSION)).toEqual({ page: PROTOCOL_VERSION - 1, hookVersion: "0.0.9", panel: PROTOCOL_VERSION })
    // The page reloaded with a hook of our version: its relay reports fresh counters.
    state = apply(state, relayStats({}), T0 + 1)
    expect(protocolMismatch(state, PROTOCOL_VERSION)).toBeUndefined()
  })

  it("keeps only a readable report: a protocol number, and a version string", () => {
    const junk = [{ protocol: "2" }, { protocol: 2.5 }, null, "2"] as unknown[]
    for (const pageProtocol of junk) {
      const state = apply(initialState(), relayStats({ pageProtocol } as never), T0)
      expect(protocolMismatch(state, PROTOCOL_VERSION)).toBeUndefined()
    }
    const state = apply(initialState(), relayStats({ pageProtocol: { protocol: 9, hookVersion: 42 } } as never), T0)
    expect(protocolMismatch(state, PROTOCOL_VERSION)).toEqual({ page: 9, panel: PROTOCOL_VERSION })
  })

  it("also from a hello of another version, should one get through", () => {
    const state = run(
      pageStatus(true),
      batch(1, { type: "hook/hello", protocol: PROTOCOL_VERSION + 1, hookVersion: "9.0.0", url: PAGE_URL, instance: "i" }),
    )
    expect(protocolMismatch(state, PROTOCOL_VERSION)).toMatchObject({ page: PROTOCOL_VERSION + 1, panel: PROTOCOL_VERSION })
  })
})
