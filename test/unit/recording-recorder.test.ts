import { describe, expect, it } from "vitest"
import { checkpointOf, restoreCheckpoint } from "../../devtools-panel/recording/checkpoint"
import { indexSteps } from "../../devtools-panel/recording/steps"
import { TimeTravel } from "../../devtools-panel/recording/time-travel"
import { apply } from "../../devtools-panel/state/apply"
import type { PanelState } from "../../devtools-panel/state/panel-state"
import { snapshotOf } from "../../devtools-panel/state/snapshot"
import { T0, batch, entry, registered, repoInfo, store } from "../component/fixtures/messages"
import { DOC, runSession } from "./recording-fixtures"

/** What must survive a recording: the snapshot (every key's value and timestamp), presence, model and counters. */
function essentials(state: PanelState, labels?: string[]) {
  const repos = [...state.repos.values()].filter(repo => !labels || labels.includes(repo.info.label))
  return {
    snapshot: { ...snapshotOf(state), repos: snapshotOf(state).repos.filter(repo => !labels || labels.includes(repo.label)) },
    present: repos.map(repo =>
      [...repo.rooms.values()].map(room => [
        room.docId,
        [...room.members.values()]
          .filter(m => m.present)
          .map(m => m.peerId)
          .sort(),
      ]),
    ),
    models: repos.map(repo => repo.model),
    gone: repos.map(repo => [repo.info.repoId, repo.gone, repo.goneReason]),
    counters: [state.lostBatches, state.hookDropped, state.relay.dropped, state.lastSeq, state.epoch],
  }
}

async function open(recording: Parameters<typeof indexSteps>[0]): Promise<TimeTravel> {
  return TimeTravel.build(indexSteps(recording))
}

describe("recorder", () => {
  it("replays to the live state after every recorded message, across a reload", async () => {
    const { recording, live, atStart } = runSession()
    const travel = await open(recording)
    expect(essentials(travel.stateAt(0))).toEqual(essentials(atStart))
    const index = travel.index
    expect(index.records).toHaveLength(live.length)
    for (const [r, state] of live.entries())
      expect(essentials(travel.stateAt(index.firstStep[r + 1]!)), `after message ${r}`).toEqual(essentials(state))
    expect(essentials(travel.final)).toEqual(essentials(live.at(-1)!))
    // The page reloaded: the old "alice" is gone, the new one took its slot.
    expect(snapshotOf(travel.final).repos.map(repo => [repo.repoId, repo.gone])).toEqual([
      ["r3", false],
      ["r2", true],
    ])
    expect(snapshotOf(travel.final).lost).toBe(4)
  })

  it("keeps only the chosen repos, by label, including the same label after a reload", async () => {
    const { recording, live } = runSession({ labels: ["alice"], acrossReloads: true })
    const travel = await open(recording)
    expect([...travel.final.repos.keys()]).toEqual(["r3"])
    expect(essentials(travel.final, ["alice"])).toEqual(essentials(live.at(-1)!, ["alice"]))
    const kept = recording.lines.flatMap(line =>
      line.kind === "message" && line.message.type === "background/page-batch" ? line.message.batch.messages : [],
    )
    expect(kept.some(message => "repoId" in message && message.repoId === "r2")).toBe(false)
    // Emptied batches stay, so the seq has no gap the replay would count as lost.
    expect(recording.lines.filter(line => line.kind === "message").length).toBe(live.length)
    expect(travel.final.lostBatches).toBe(live.at(-1)!.lostBatches)
  })

  it("ends at a reload unless asked to follow it, without the reload's message", () => {
    const { recording, recorder, live } = runSession({ acrossReloads: false })
    expect(recorder.ended).toBe("page reloaded")
    const messages = recording.lines.filter(line => line.kind === "message")
    expect(messages).toHaveLength(live.length)
    expect(
      messages.some(
        line =>
          line.kind === "message" &&
          line.message.type === "background/page-batch" &&
          line.message.batch.messages.some(m => m.type === "hook/hello"),
      ),
    ).toBe(false)
  })

  it("writes periodic checkpoints that rebuild the values, model and counters on their own", () => {
    const { recording, live } = runSession({ acrossReloads: true, checkpointEveryMs: 100 })
    const checkpoints = recording.lines.filter(line => line.kind === "checkpoint")
    expect(checkpoints.length).toBeGreaterThan(2)
    const messageTimes = recording.lines.filter(line => line.kind === "message").map(line => line.t)
    for (const checkpoint of checkpoints.slice(1)) {
      const r = messageTimes.lastIndexOf(checkpoint.t)
      const restored = restoreCheckpoint(checkpoint, checkpoint.t)
      const expected = essentials(live[r]!)
      expect(essentials(restored).snapshot).toEqual(expected.snapshot)
      expect(essentials(restored).models).toEqual(expected.models)
      expect(essentials(restored).present).toEqual(expected.present)
    }
  })

  it("restores repos of earlier pages as older than the current page's", () => {
    const { live } = runSession()
    const after = live.at(-1)!
    const restored = restoreCheckpoint(checkpointOf(after), T0 + 500)
    expect(essentials(restored)).toMatchObject({ snapshot: essentials(after).snapshot, gone: essentials(after).gone })
    // A registration with an earlier page's label takes that repo's place, as it does live.
    const again = batch(
      2,
      registered(repoInfo({ repoId: "r4", label: "alice-2", peerId: "101" }), {
        stores: [store(DOC, "presence", [entry("101", { name: "alice-2" }, T0 + 501)])],
      }),
    )
    const liveNext = apply(after, again, T0 + 501)
    const restoredNext = apply(restored, again, T0 + 501)
    expect([...restoredNext.repos.keys()]).toEqual([...liveNext.repos.keys()])
    expect(snapshotOf(restoredNext)).toEqual(snapshotOf(liveNext))
  })
})
