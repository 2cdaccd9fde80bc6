/**
 * A small live session for the recording tests: a page with two repos in one
 * room, peers joining, moving, typing and leaving, a reload, lost batches and
 * hook drops. `runSession` feeds the messages to the real reducer and a
 * Recorder started part-way, and returns the recording with the live state
 * after every message, so tests can compare replayed states with live ones.
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import type { Recording } from "../../devtools-panel/recording/format"
import { Recorder, type RecorderOptions } from "../../devtools-panel/recording/recorder"
import { metaFor } from "../../devtools-panel/recording/summarize"
import { apply } from "../../devtools-panel/state/apply"
import { initialState, type PanelState } from "../../devtools-panel/state/panel-state"
import {
  T0,
  batch,
  channel,
  channelIn,
  entry,
  events,
  hello,
  pageStatus,
  peer,
  registered,
  relayStats,
  repoInfo,
  store,
  storeEvent,
  syncMessage,
  tombstone,
} from "../component/fixtures/messages"

export const DOC = "room:lobby"
export const ALICE = "100"
export const BOB = "200"
export const CAROL = "300"

/** Messages before recording starts: a page with repos "alice" and "alice-2", bob in the room. */
export function beforeRecording(): Array<[number, BackgroundToPanelMessage]> {
  return [
    [T0, pageStatus(true)],
    [T0, relayStats({ dropped: 2, byReason: { "bad-shape": 2 } })],
    [
      T0 + 1,
      batch(
        0,
        hello(),
        registered(repoInfo({ repoId: "r1", label: "alice", peerId: ALICE }), {
          peers: [peer(BOB, { name: "bob", channels: [1], subscriptions: [DOC] })],
          channels: [channel(1, BOB)],
          stores: [
            store(DOC, "presence", [entry(ALICE, { name: "alice" }, T0 - 5), entry(BOB, { name: "bob" }, T0 - 5)]),
            store(DOC, "cursor", []),
          ],
        }),
        registered(repoInfo({ repoId: "r2", label: "alice-2", peerId: "101" }), {
          stores: [store(DOC, "presence", [entry("101", { name: "alice-2" }, T0 - 5)])],
        }),
      ),
    ],
    // Batch 1 is lost on the way: the panel counts it.
    [T0 + 40, batch(2, events("r1", storeEvent("r1", DOC, "cursor", "import", [entry(BOB, { x: 1, y: 1 }, T0 + 39)], T0 + 39)))],
    [T0 + 60, batch(3, { type: "hook/dropped", count: 3, reason: "buffer-full" })],
  ]
}

/** Messages while recording: carol joins and moves, bob types and leaves, a mid-way reload. */
export function duringRecording(): Array<[number, BackgroundToPanelMessage]> {
  const cursor = (key: string, x: number, t: number) => storeEvent("r1", DOC, "cursor", "import", [entry(key, { x, y: x }, t)], t)
  return [
    [
      T0 + 100,
      batch(4, events("r1", channelIn("r1", 1, BOB, { type: "channel/ephemeral", docId: DOC }, T0 + 99), cursor(BOB, 2, T0 + 99))),
    ],
    [
      T0 + 150,
      batch(
        5,
        events(
          "r1",
          storeEvent("r1", DOC, "presence", "import", [entry(CAROL, { name: "carol" }, T0 + 149)], T0 + 149),
          cursor(CAROL, 10, T0 + 149),
        ),
      ),
    ],
    [
      T0 + 200,
      batch(
        6,
        events("r1", cursor(CAROL, 11, T0 + 190), cursor(CAROL, 12, T0 + 195), cursor(BOB, 3, T0 + 199)),
        events("r2", storeEvent("r2", DOC, "cursor", "local", [entry("101", { x: 5, y: 5 }, T0 + 199)], T0 + 199)),
      ),
    ],
    [T0 + 250, batch(7, events("r1", storeEvent("r1", DOC, "typing", "import", [entry(BOB, { typing: true }, T0 + 249)], T0 + 249)))],
    [T0 + 300, relayStats({ dropped: 5, byReason: { "bad-shape": 5 } })],
    [
      T0 + 350,
      batch(
        8,
        events(
          "r1",
          syncMessage(
            "r1",
            "synchronizer/channel-removed",
            { peers: [peer(BOB, { name: "bob", channels: [], subscriptions: [DOC] })], channels: [] },
            T0 + 349,
          ),
          storeEvent("r1", DOC, "presence", "import", [tombstone(BOB, T0 + 349)], T0 + 349),
          storeEvent("r1", DOC, "cursor", "import", [tombstone(BOB, T0 + 349)], T0 + 349),
          storeEvent("r1", DOC, "typing", "import", [tombstone(BOB, T0 + 349)], T0 + 349),
        ),
      ),
    ],
    // The page reloads: a new hook instance with seq from 0, the repos register again with new ids.
    [
      T0 + 400,
      batch(
        0,
        hello(undefined, "0.1.0", "hook-2"),
        registered(repoInfo({ repoId: "r3", label: "alice", peerId: ALICE }), {
          stores: [store(DOC, "presence", [entry(ALICE, { name: "alice" }, T0 + 399), entry(CAROL, { name: "carol" }, T0 + 380)])],
        }),
      ),
    ],
    [T0 + 450, batch(1, events("r3", storeEvent("r3", DOC, "cursor", "import", [entry(CAROL, { x: 20, y: 20 }, T0 + 449)], T0 + 449)))],
  ]
}

export interface RunResult {
  recording: Recording
  /** The live state after each message of duringRecording() (until the recording ended). */
  live: PanelState[]
  /** The live state when recording started. */
  atStart: PanelState
  recorder: Recorder
}

export function runSession(options: RecorderOptions = { acrossReloads: true }, during = duringRecording()): RunResult {
  let state = initialState()
  for (const [t, message] of beforeRecording()) state = apply(state, message, t)
  const atStart = state
  const recorder = new Recorder(state, T0 + 90, { checkpointEveryMs: 200, ...options })
  const live: PanelState[] = []
  for (const [t, message] of during) {
    const before = state
    state = apply(state, message, t)
    if (!recorder.observe(message, t, before, state)) break
    live.push(state)
    if (t === T0 + 200) recorder.mark("carol moved", t)
  }
  const session = recorder.finish(T0 + 500)
  return { recording: { meta: metaFor(session, "test"), lines: session.lines }, live, atStart, recorder }
}
