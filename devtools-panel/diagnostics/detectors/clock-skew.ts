/**
 * Clock skew: entries stamped ahead of the observing page's clock. A frame
 * cannot arrive before it was stamped, so a stamp ahead of the moment it
 * arrives (beyond the tolerance) means the stamping clock runs ahead.
 *
 * Who stamped it: the key's owner when it sent its own key. In a copy of
 * the store another peer sent (5.x sends others' keys only in whole-store
 * broadcasts after re-stamping them), the stamp is the owner's if this repo
 * already saw the owner send that stamp, else the sender's re-stamp.
 */
import { type Detector, type DetectorContext, LORO_EXTENDED_ONLY } from "../detector"
import type { DiagnosticEvent } from "../input"
import { formatSeconds } from "../../values/format"
import { eventEvidence } from "../wording"

interface Seen {
  aheadMs: number
  raisedAt: number
}

const WHY =
  "Last-writer-wins compares wall-clock stamps made on different machines. A clock that runs ahead wins every race: its writes, and every key it re-stamps on its heartbeats, beat newer writes from everyone else until the other clocks catch up, so their updates are refused for that long."
const FIX =
  "Synchronise the machines' clocks (NTP). A relay's clock matters most, because it re-stamps every key it holds; an app can also refuse or clamp stamps far ahead of its own clock before applying them."

export class ClockSkew implements Detector {
  readonly name = "clock skew"
  readonly libraries = LORO_EXTENDED_ONLY
  /** repoId + stamper -> what was reported. */
  readonly #seen = new Map<string, Seen>()
  /** repoId -> key -> the newest stamp the key's owner itself sent. */
  readonly #ownStamps = new Map<string, Map<string, number>>()

  observe(event: DiagnosticEvent, context: DetectorContext): void {
    if (event.type === "repo-gone") {
      for (const id of this.#seen.keys()) if (id.startsWith(`${event.repoId}\u001f`)) this.#seen.delete(id)
      this.#ownStamps.delete(event.repoId)
      return
    }
    if (event.type !== "frame-in") return
    const tolerance = context.config.skewToleranceMs
    let ownStamps = this.#ownStamps.get(event.repoId)
    if (!ownStamps) {
      ownStamps = new Map()
      this.#ownStamps.set(event.repoId, ownStamps)
    }
    for (const payload of event.payloads) {
      if (payload.count === 0) continue
      for (const entry of payload.entries()) {
        // Tombstones are left out: the Simulate view stamps its removed peers' ahead on purpose, and a
        // clock ahead shows in values too. So are the keys of peers this page simulates.
        if (entry.deleted || context.world.isSimulated(event.repoId, entry.key)) continue
        const ownStamp = ownStamps.get(entry.key)
        const stamper =
          payload.sender === undefined || payload.sender === entry.key || (ownStamp !== undefined && entry.timestamp <= ownStamp)
            ? entry.key
            : payload.sender
        if (payload.sender === entry.key && entry.timestamp > (ownStamp ?? -Infinity)) ownStamps.set(entry.key, entry.timestamp)
        const ahead = entry.timestamp - event.t
        if (ahead > tolerance) this.#report(event, context, stamper, ahead)
      }
    }
  }

  #report(event: Extract<DiagnosticEvent, { type: "frame-in" }>, context: DetectorContext, stamper: string, ahead: number): void {
    const id = `${event.repoId}\u001f${stamper}`
    const seen = this.#seen.get(id)
    const findingId = `clock-skew|${event.repoId}|${stamper}`
    // Once per heartbeat interval unless the skew grew: every frame of a skewed peer shows it.
    if (
      seen &&
      context.isOpen(findingId) &&
      ahead <= seen.aheadMs + context.config.skewToleranceMs &&
      event.t - seen.raisedAt < context.config.heartbeatMs
    )
      return
    const aheadMs = Math.max(ahead, seen?.aheadMs ?? 0)
    this.#seen.set(id, { aheadMs, raisedAt: event.t })
    const peer = context.world.peer(stamper)
    context.raise({
      id: findingId,
      kind: "clock-skew",
      severity: "warning",
      t: event.t,
      summary: [{ peer }, `'s clock runs about ${secondsText(aheadMs)} ahead of this page's`],
      details: [
        [
          "Its stamps arrive up to ",
          secondsText(aheadMs),
          " in the future, on channel #",
          String(event.channelId),
          event.channelPeer !== undefined && event.channelPeer !== stamper ? " through " : "",
          ...(event.channelPeer !== undefined && event.channelPeer !== stamper ? [{ peer: context.world.peer(event.channelPeer) }] : []),
          ".",
        ],
      ],
      why: WHY,
      fix: FIX,
      repoId: event.repoId,
      repoLabel: context.world.label(event.repoId),
      peers: [peer],
      evidence: [eventEvidence("a frame stamped ahead", event.repoId, event.eventId, event.t)],
    })
  }
}

function secondsText(ms: number): string {
  return formatSeconds(ms, ms < 10_000 ? 1 : 0)
}
