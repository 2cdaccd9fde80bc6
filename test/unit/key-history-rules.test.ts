/**
 * The key history's reading of the store's rules, step by step, over frames
 * encoded as the library encodes them: an import wins only when strictly
 * newer, a local write always wins, a re-stamp changes only the timestamp,
 * and an offer made before the log knew the store's copy waits for the
 * store's own word.
 */
import { describe, expect, it } from "vitest"
import type { HookEvent, WireValue } from "../../protocol/messages"
import { encodeEphemeralEntries, type EncodableEntry } from "../../codec/loro-ephemeral/ephemeral-encoder"
import { bytesToHex } from "../../codec/hex"
import { keyHistory } from "../../devtools-panel/log/key-history"
import { isNotable, KeyHistoryTracker } from "../../devtools-panel/log/key-history-tracker"
import { applyAll } from "../../devtools-panel/state/apply"
import { clearLog, logRecords } from "../../devtools-panel/state/event-log"
import { initialState } from "../../devtools-panel/state/panel-state"
import { T0, batch, channelIn, entry, events, hello, registered, repoInfo, storeEvent, tombstone } from "../component/fixtures/messages"

const DOC = "room:lobby"
const SELF = "100"
const BOB = "200"
const HUB = "900"
const REF = { repoId: "r1", docId: DOC, namespace: "cursor", key: BOB }

/** A channel/ephemeral frame from `sender`'s store, as the hub delivers it on channel 1. */
function frame(sender: string, entries: EncodableEntry[], t: number): HookEvent {
  const bytes = encodeEphemeralEntries(entries)
  const data: WireValue = { $ephemera: "bytes", type: "Uint8Array", length: bytes.length, hex: bytesToHex(bytes), truncated: false }
  return channelIn(
    "r1",
    1,
    HUB,
    { type: "channel/ephemeral", docId: DOC, hopsRemaining: 0, stores: [{ peerId: sender, namespace: "cursor", data }] },
    t,
  )
}

function history(...list: HookEvent[]) {
  const state = applyAll(initialState(), [batch(0, hello(), registered(repoInfo())), batch(1, events("r1", ...list))], T0)
  return keyHistory(logRecords(state.log), REF, SELF)
}

const imported = (value: WireValue, timestamp: number, t = timestamp) =>
  storeEvent("r1", DOC, "cursor", "import", [entry(BOB, value, timestamp)], t)

describe("key history: the store's rules", () => {
  it("takes a strictly newer import, refuses an older one and a tie, whatever the value", () => {
    const steps = history(
      frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 10),
      imported({ x: 1 }, T0 + 10),
      frame(BOB, [{ key: BOB, value: { x: 2 }, timestamp: T0 + 10 }], T0 + 11),
      frame(BOB, [{ key: BOB, value: { x: 0 }, timestamp: T0 + 5 }], T0 + 12),
      frame(BOB, [{ key: BOB, value: { x: 3 }, timestamp: T0 + 20 }], T0 + 20),
      imported({ x: 3 }, T0 + 20),
    )
    expect(steps.map(step => [step.decision, step.effect, (step.offered.value as { x: number }).x])).toEqual([
      // The first offer: the log did not know the store's copy, and the store's import event says it took it.
      ["accepted", "changed", 1],
      ["refused-tie", "none", 2],
      ["refused-older", "none", 0],
      ["accepted", "changed", 3],
    ])
    expect(steps[3]!.changes).toEqual([{ path: ["x"], kind: "changed", before: 1, after: 3 }])
  })

  it("refuses an undecided offer the store did not take, once the store's next word shows it", () => {
    const steps = history(
      frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 10),
      frame(BOB, [{ key: BOB, value: { x: 2 }, timestamp: T0 + 12 }], T0 + 12),
      imported({ x: 2 }, T0 + 12),
    )
    expect(steps.map(step => step.decision)).toEqual(["refused", "accepted"])
    expect(history(frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 10)).map(step => step.decision)).toEqual([
      "pending",
    ])
  })

  it("lets a local write overwrite a newer copy, and tells this repo's re-stamp from a write", () => {
    const steps = history(
      imported({ x: 1 }, T0 + 50),
      storeEvent("r1", DOC, "cursor", "local", [entry(BOB, { x: 1 }, T0 + 60)], T0 + 60),
      storeEvent("r1", DOC, "cursor", "local", [tombstone(BOB, T0 + 10)], T0 + 70),
    )
    expect(steps.map(step => [step.origin.kind, step.decision, step.effect, step.writer, step.restampedBy])).toEqual([
      ["import", "accepted", "changed", BOB, undefined],
      ["local-restamp", "accepted", "restamped", SELF, SELF],
      // This repo removes a departed peer's key: its own write, even with an older timestamp.
      ["local", "accepted", "changed", SELF, undefined],
    ])
    expect(steps[2]!.changes).toEqual([{ path: [], kind: "removed", before: { x: 1 } }])
  })

  it("names the relay and the re-stamper: another repo's newer copy of a value seen before", () => {
    const steps = history(
      frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 10),
      imported({ x: 1 }, T0 + 10),
      frame(BOB, [{ key: BOB, value: { x: 2 }, timestamp: T0 + 20 }], T0 + 20),
      imported({ x: 2 }, T0 + 20),
      // The hub's store still had x: 1 and re-stamped it on its heartbeat.
      frame(
        HUB,
        [
          { key: BOB, value: { x: 1 }, timestamp: T0 + 30 },
          { key: SELF, value: { x: 9 }, timestamp: T0 + 30 },
        ],
        T0 + 30,
      ),
      imported({ x: 1 }, T0 + 30),
    )
    expect(steps.map(step => [step.relayedBy, step.restampedBy, step.writer])).toEqual([
      [HUB, undefined, BOB],
      [HUB, undefined, BOB],
      [undefined, HUB, BOB],
    ])
    expect(steps[2]).toMatchObject({
      decision: "accepted",
      effect: "changed",
      changes: [{ path: ["x"], kind: "changed", before: 2, after: 1 }],
    })
  })

  it("shows an import whose frame is not in the log, and an expiry", () => {
    const steps = history(imported({ x: 1 }, T0 + 10), storeEvent("r1", DOC, "cursor", "timeout", [tombstone(BOB, T0 + 10)], T0 + 40_000))
    expect(steps.map(step => [step.origin.kind, step.decision, step.effect])).toEqual([
      ["import", "accepted", "changed"],
      ["timeout", "accepted", "changed"],
    ])
  })

  it("follows only its own repo, document, namespace and key", () => {
    const steps = history(
      storeEvent("r1", DOC, "presence", "import", [entry(BOB, { x: 1 }, T0)], T0),
      storeEvent("r1", "room:other", "cursor", "import", [entry(BOB, { x: 1 }, T0)], T0),
      storeEvent("r1", DOC, "cursor", "import", [entry(HUB, { x: 1 }, T0)], T0),
      storeEvent("r2", DOC, "cursor", "import", [entry(BOB, { x: 1 }, T0)], T0),
    )
    expect(steps).toEqual([])
  })
})

describe("key history, kept up to date", () => {
  it("reads only new records, and says the same as reading the whole log", () => {
    const tracker = new KeyHistoryTracker(REF, SELF)
    let state = applyAll(initialState(), [batch(0, hello(), registered(repoInfo()))], T0)
    expect(tracker.update(state.log)).toEqual([])
    state = applyAll(state, [batch(1, events("r1", frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 10)))], T0)
    const pending = tracker.update(state.log)
    expect(pending.map(step => step.decision)).toEqual(["pending"])
    expect(tracker.update(state.log)).toBe(pending)
    state = applyAll(
      state,
      [batch(2, events("r1", imported({ x: 1 }, T0 + 10), frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 11)))],
      T0,
    )
    const steps = tracker.update(state.log)
    // The shown step is a new object with the store's verdict.
    expect(steps[0]).not.toBe(pending[0])
    expect(steps.map(step => step.decision)).toEqual(["accepted", "refused-tie"])
    expect(steps).toEqual(keyHistory(logRecords(state.log), REF, SELF))
    expect(tracker.update({ ...clearLog(state.log) })).toEqual([])
  })

  it("shows by default what changed the store or was refused with another value", () => {
    const steps = history(
      frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 10),
      imported({ x: 1 }, T0 + 10),
      frame(BOB, [{ key: BOB, value: { x: 1 }, timestamp: T0 + 10 }], T0 + 11),
      frame(BOB, [{ key: BOB, value: { x: 2 }, timestamp: T0 + 10 }], T0 + 12),
      storeEvent("r1", DOC, "cursor", "local", [entry(BOB, { x: 1 }, T0 + 60)], T0 + 60),
    )
    expect(steps.map(step => [step.decision, step.effect, isNotable(step)])).toEqual([
      ["accepted", "changed", true],
      // A repeat of the held value, refused: noise.
      ["refused-tie", "none", false],
      // Another value refused as a tie: a lost update.
      ["refused-tie", "none", true],
      // This repo's re-stamp: noise.
      ["accepted", "restamped", false],
    ])
  })
})
