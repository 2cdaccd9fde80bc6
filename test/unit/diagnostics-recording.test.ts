/**
 * Recordings carry findings: a session on real repos (a relay's re-stamp
 * overwrites alice's cursor, then the hub goes away and bob becomes a ghost)
 * is recorded by the panel's recorder, written to a file and read back;
 * opening it computes the same findings the live panel raised, and places
 * each on the timeline at the event that showed it.
 */
import { describe, expect, it } from "vitest"
import { findingsOfRecording } from "../../devtools-panel/recording/findings"
import { bytesSource } from "../../devtools-panel/recording/compression"
import { decodeRecording } from "../../devtools-panel/recording/decode"
import { encodeRecording } from "../../devtools-panel/recording/encode"
import { Recorder } from "../../devtools-panel/recording/recorder"
import { indexSteps, recordOfStep, stepAt } from "../../devtools-panel/recording/steps"
import { metaFor } from "../../devtools-panel/recording/summarize"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import type { ObservedPage } from "../support/observed-page"
import { HEARTBEAT_MS, advance, held, settle, until, type Peer } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

async function recordSession(): Promise<{ recorder: Recorder; page: ObservedPage; hub: Peer; alice: Peer; bob: Peer; hubGoneAt: number }> {
  const { network } = diagnostics
  const { hub, alice, bob } = await diagnostics.room("alice", "bob")
  alice.room.cursor.setSelf({ x: 1, y: 1 })
  await until(() => held(bob, "cursor", alice.peerId) !== undefined, "bob to see alice")
  const page = diagnostics.observe(alice)
  page.sync()
  const recorder = new Recorder(page.store.state, Date.now(), { acrossReloads: false })
  page.store.observe((message, now, before, after) => void recorder.observe(message, now, before, after))
  await network.startHeartbeats([hub, alice, bob], 5_000)

  // The hub re-stamps its older copy of alice's cursor while her newer write is on its way.
  const release = network.hold(alice, hub)
  await advance(1)
  alice.room.cursor.setSelf({ x: 2, y: 2 })
  await advance(HEARTBEAT_MS)
  await release()
  page.tick()
  // Then the hub goes away; bob's presence stays at alice.
  await advance(1_000)
  const hubGoneAt = Date.now()
  await network.unlink(hub, alice)
  await settle()
  await advance(1_000)
  page.tick()
  return { recorder, page, hub, alice, bob, hubGoneAt }
}

describe("recordings carry findings", () => {
  it("opening a recording computes the live panel's findings and marks them on the timeline", async () => {
    const { recorder, page, alice, bob, hubGoneAt } = await recordSession()
    const live = page
      .findings()
      .map(finding => `${finding.kind}: ${finding.key ?? finding.peers[0]!.peerId}`)
      .sort()
    expect(live).toEqual([`no-live-path: ${bob.peerId}`, `own-key-overwritten: ${alice.peerId}`])

    const session = recorder.finish(Date.now())
    const file = await encodeRecording({ meta: metaFor(session, "test"), lines: session.lines })
    const index = indexSteps(await decodeRecording(bytesSource(file)))
    const opened = findingsOfRecording(index)

    expect(opened.findings.map(finding => `${finding.kind}: ${finding.key ?? finding.peers[0]!.peerId}`).sort()).toEqual(live)
    expect(opened.markers.map(marker => [marker.kind, marker.severity])).toEqual(
      expect.arrayContaining([
        ["finding", "error"],
        ["finding", "warning"],
      ]),
    )
    expect(opened.markers).toHaveLength(2)
    // The overwrite's marker sits on the import that did it.
    const overwrite = opened.findings.find(finding => finding.kind === "own-key-overwritten")!
    const evidence = overwrite.evidence[0]!
    const step = stepAt(index, opened.positions.get(overwrite.id)!)
    expect(step?.kind === "event" && [step.event.kind, step.event.repoId, step.event.id]).toEqual(
      evidence.kind === "event" && ["store", evidence.repoId, evidence.eventId],
    )
    // The ghost's, where the hub went away (not at the last frame heard from bob, its evidence).
    const ghost = opened.findings.find(finding => finding.kind === "no-live-path")!
    const record = index.records[recordOfStep(index, opened.positions.get(ghost.id)!)]!
    const removed =
      record.message.type === "background/page-batch"
        ? record.message.batch.messages.flatMap(inner => (inner.type === "repo/events" ? inner.events : []))
        : []
    expect(
      removed.some(event => event.kind === "sync-message" && event.msgType === "synchronizer/channel-removed" && event.t >= hubGoneAt),
    ).toBe(true)
    expect(opened.positions.get(ghost.id)!).toBeGreaterThan(opened.positions.get(overwrite.id)!)
    expect(overwrite.details!.flat()).toEqual(expect.arrayContaining([{ value: { x: 1, y: 1 } }, { value: { x: 2, y: 2 } }]))
  })
})
