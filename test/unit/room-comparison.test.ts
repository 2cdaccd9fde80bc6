/**
 * The room across tabs, as a model: each key's copies side by side, and
 * when they count as diverged (still different a settle time after the key
 * last changed anywhere). States are built through the real reducer.
 */
import { describe, expect, it } from "vitest"
import { applyAll } from "../../devtools-panel/state/apply"
import { comparedTabState, initialState, type PanelState, type RepoState } from "../../devtools-panel/state/panel-state"
import { comparableRooms, compareRoom, DEFAULT_SETTLE_MS, type ComparisonColumn } from "../../devtools-panel/state/room-comparison"
import {
  T0,
  batch,
  entry,
  events,
  hello,
  registered,
  repoInfo,
  store,
  storeEvent,
  tabSnapshot,
  tombstone,
} from "../component/fixtures/messages"

const DOC = "room:lobby"
const WRITER = "100"
const RECEIVER = "200"

/** The inspected tab holds the writer's repo; another tab holds a receiver, read by snapshots. */
function tabs(writerValue: unknown, receiverValue: unknown, stamps: { writer: number; receiver: number } = { writer: T0, receiver: T0 }) {
  const writerInfo = repoInfo({ repoId: "repo-1", label: "writer", peerId: WRITER })
  const receiverInfo = repoInfo({ repoId: "repo-1", label: "receiver", peerId: RECEIVER })
  const inspected = applyAll(
    initialState(),
    [batch(0, hello(), registered(writerInfo, { stores: [store(DOC, "cursor", [entry(WRITER, writerValue as never, stamps.writer)])] }))],
    T0 + 5,
  )
  const other = applyAll(
    comparedTabState(),
    [
      batch(
        0,
        tabSnapshot([
          registered(receiverInfo, { stores: [store(DOC, "cursor", [entry(WRITER, receiverValue as never, stamps.receiver)])] }),
        ]),
      ),
    ],
    T0 + 5,
  )
  return { inspected, other }
}

function columns(inspected: PanelState, ...others: Array<[number, PanelState]>): ComparisonColumn[] {
  const of = (state: PanelState, tabId?: number) =>
    [...state.repos.values()].map((repo: RepoState) => ({
      id: `${tabId ?? "self"}/${repo.info.repoId}`,
      ...(tabId === undefined ? {} : { tabId }),
      repo,
    }))
  return [...of(inspected), ...others.flatMap(([tabId, state]) => of(state, tabId))]
}

describe("compareRoom", () => {
  it("shows agreeing copies as the same", () => {
    const { inspected, other } = tabs({ x: 1 }, { x: 1 })
    const comparison = compareRoom(columns(inspected, [7, other]), DOC, T0 + 10_000, DEFAULT_SETTLE_MS)
    expect(comparison.columns.map(column => column.id)).toEqual(["self/repo-1", "7/repo-1"])
    expect(comparison.rows).toMatchObject([{ namespace: "cursor", key: WRITER, status: "same", odd: [false, false] }])
    expect(comparison.diverged).toBe(0)
  })

  it("calls a same-millisecond tie settling at first, diverged once the settle time has passed, and marks the receivers' copies", () => {
    const { inspected, other } = tabs({ x: 3 }, { x: 1 })
    const all = columns(inspected, [7, other])
    // Both copies were first seen in snapshots: the writer's timestamp is when they last changed.
    const early = compareRoom(all, DOC, T0 + 1_999, DEFAULT_SETTLE_MS)
    expect(early.rows[0]).toMatchObject({ status: "settling", kind: "tie", lastChange: T0 })
    const late = compareRoom(all, DOC, T0 + 2_000, DEFAULT_SETTLE_MS)
    expect(late.rows[0]).toMatchObject({ status: "diverged", kind: "tie", odd: [false, true] })
    expect(late.rows[0]!.copies.map(copy => copy?.value)).toEqual([{ x: 3 }, { x: 1 }])
    expect(late.diverged).toBe(1)
    // The settle time is the user's: a shorter one flags it sooner.
    expect(compareRoom(all, DOC, T0 + 505, 500).rows[0]!.status).toBe("diverged")
  })

  it("heals with the next ordinary write, which every copy accepts", () => {
    const { inspected, other } = tabs({ x: 3 }, { x: 1 })
    const written = applyAll(
      inspected,
      [batch(1, events("repo-1", storeEvent("repo-1", DOC, "cursor", "local", [entry(WRITER, { x: 4 }, T0 + 9_000)], T0 + 9_000)))],
      T0 + 9_000,
    )
    const received = applyAll(
      other,
      [
        batch(
          1,
          tabSnapshot([
            registered(repoInfo({ repoId: "repo-1", label: "receiver", peerId: RECEIVER }), {
              stores: [store(DOC, "cursor", [entry(WRITER, { x: 4 }, T0 + 9_000)])],
            }),
          ]),
        ),
      ],
      T0 + 9_200,
    )
    expect(compareRoom(columns(written, [7, received]), DOC, T0 + 20_000, DEFAULT_SETTLE_MS).rows[0]!.status).toBe("same")
  })

  it("keeps a key that keeps changing settling: the copies are catching up, not diverged", () => {
    let { inspected, other } = tabs({ x: 0 }, { x: 0 })
    let now = T0
    for (let step = 1; step <= 30; step++) {
      now = T0 + step * 300
      inspected = applyAll(
        inspected,
        [batch(step, events("repo-1", storeEvent("repo-1", DOC, "cursor", "local", [entry(WRITER, { x: step }, now)], now)))],
        now,
      )
      // The other tab is one step behind at every look.
      other = applyAll(
        other,
        [
          batch(
            step,
            tabSnapshot([
              registered(repoInfo({ repoId: "repo-1", label: "receiver", peerId: RECEIVER }), {
                stores: [store(DOC, "cursor", [entry(WRITER, { x: step - 1 }, now - 300)])],
              }),
            ]),
          ),
        ],
        now,
      )
      expect(compareRoom(columns(inspected, [7, other]), DOC, now + 100, DEFAULT_SETTLE_MS).rows[0]!.status).toBe("settling")
    }
  })

  it("tells copies that are behind, re-stamped or missing from a tie", () => {
    const behind = tabs({ x: 2 }, { x: 1 }, { writer: T0 + 50, receiver: T0 })
    expect(compareRoom(columns(behind.inspected, [7, behind.other]), DOC, T0 + 60_000, DEFAULT_SETTLE_MS).rows[0]).toMatchObject({
      status: "diverged",
      kind: "behind",
    })
    // A receiver's heartbeat re-stamped its stale copy: newer than the owner's, with the old value.
    const restamped = tabs({ x: 2 }, { x: 1 }, { writer: T0, receiver: T0 + 10_000 })
    expect(compareRoom(columns(restamped.inspected, [7, restamped.other]), DOC, T0 + 60_000, DEFAULT_SETTLE_MS).rows[0]).toMatchObject({
      status: "diverged",
      kind: "restamped",
      odd: [false, true],
    })

    const { inspected } = tabs({ x: 1 }, { x: 1 })
    const without = applyAll(
      comparedTabState(),
      [
        batch(
          0,
          tabSnapshot([
            registered(repoInfo({ repoId: "repo-1", label: "receiver", peerId: RECEIVER }), {
              stores: [store(DOC, "cursor", [tombstone(WRITER, T0 + 1)])],
            }),
          ]),
        ),
      ],
      T0,
    )
    const row = compareRoom(columns(inspected, [7, without]), DOC, T0 + 60_000, DEFAULT_SETTLE_MS).rows[0]!
    expect(row).toMatchObject({ status: "diverged", kind: "missing", odd: [false, true] })
  })

  it("reads a tombstone and no key at all as the same absence", () => {
    const a = tabs({ x: 1 }, { x: 1 })
    const deleted = applyAll(
      a.inspected,
      [batch(1, events("repo-1", storeEvent("repo-1", DOC, "cursor", "local", [tombstone(WRITER, T0 + 10)], T0 + 10)))],
      T0 + 10,
    )
    const emptied = applyAll(
      a.other,
      [
        batch(
          1,
          tabSnapshot([
            registered(repoInfo({ repoId: "repo-1", label: "receiver", peerId: RECEIVER }), { stores: [store(DOC, "cursor", [])] }),
          ]),
        ),
      ],
      T0 + 10,
    )
    const comparison = compareRoom(columns(deleted, [7, emptied]), DOC, T0 + 60_000, DEFAULT_SETTLE_MS)
    expect(comparison.rows).toMatchObject([{ key: WRITER, status: "same" }])
    expect(comparison.rows[0]!.copies[1]).toBeUndefined()
  })

  it("leaves out repos that do not hold the room, or are gone", () => {
    const { inspected, other } = tabs({ x: 1 }, { x: 1 })
    const elsewhere = applyAll(
      comparedTabState(),
      [batch(0, tabSnapshot([registered(repoInfo({ peerId: "300" }), { stores: [store("room:other", "cursor", [])] })]))],
      T0,
    )
    const gone = applyAll(other, [batch(1, tabSnapshot([]))], T0 + 1)
    expect(compareRoom(columns(inspected, [8, elsewhere], [9, gone]), DOC, T0, DEFAULT_SETTLE_MS).columns.map(column => column.id)).toEqual(
      ["self/repo-1"],
    )
    expect(comparableRooms([...inspected.repos.values(), ...elsewhere.repos.values()])).toEqual(["room:lobby", "room:other"])
  })

  it("lists first the rooms most repos take part in (hold a live key of their own), not merely hold", () => {
    const holder = (peerId: string, docId: string, own: boolean) =>
      applyAll(
        comparedTabState(),
        [
          batch(
            0,
            tabSnapshot([
              registered(repoInfo({ repoId: `repo-${peerId}`, peerId }), {
                stores: [store(docId, "presence", [entry(own ? peerId : "999", { name: peerId }, T0)])],
              }),
            ]),
          ),
        ],
        T0,
      )
    const repos = [
      holder("1", "room:a-announced", false),
      holder("2", "room:a-announced", false),
      holder("3", "room:z-joined", true),
      holder("4", "room:z-joined", true),
    ].flatMap(state => [...state.repos.values()])
    expect(comparableRooms(repos)).toEqual(["room:z-joined", "room:a-announced"])
  })
})
