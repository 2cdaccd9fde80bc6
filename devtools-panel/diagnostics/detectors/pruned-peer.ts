/**
 * Ghosts on automerge-repo: a Presence prunes a peer it has not heard from
 * for its peer TTL (the hook reports pruning as entries deleted "by
 * timeout"). Two findings:
 *
 * - pruned: the peer went silent without a goodbye and every page showed it
 *   as present until its TTL ran out (a ghost);
 * - heard again soon after: the peer was alive all along, its heartbeats
 *   come further apart than receivers keep a silent peer, so it flickers out
 *   and back. "Soon" is within the silence that got it pruned: a heartbeat
 *   interval between one TTL and two.
 *
 * The silence is measured from when this page last heard the peer on that
 * channel (its heartbeats re-stamp every channel) to the pruning; "heard
 * again" is any ephemeral message of the peer arriving (not a duplicate).
 */
import { type Detector, type DetectorContext, AUTOMERGE_REPO_ONLY } from "../detector"
import type { DiagnosticEvent } from "../input"
import { formatSeconds } from "../../values/format"
import { eventEvidence, keyEvidence } from "../wording"

type StoreEvent = Extract<DiagnosticEvent, { type: "store" }>
type FrameIn = Extract<DiagnosticEvent, { type: "frame-in" }>

const PRUNED_WHY =
  "Presence forgets a peer only on its goodbye or when it has not heard from it for its peer TTL (45 s by default). A peer whose tab closed without stopping its Presence, whose network dropped or whose page hung sends no goodbye: until the TTL runs out every page shows it as present, with its last cursor and state."
const PRUNED_FIX =
  "Call presence.stop() when the page goes away (pagehide), which sends a goodbye. To shorten a ghost's life, lower peerTtlMs on every Presence, keeping heartbeatMs well below it (a third or less)."
const FLICKER_WHY =
  "A Presence sends a heartbeat only when it has sent nothing else for heartbeatMs; receivers prune a peer after peerTtlMs without a message. When a peer's heartbeats come further apart than a receiver's TTL, every quiet peer disappears there and comes back with its next heartbeat: cursors and avatars flicker, and 'who is here' is wrong between the two."
const FLICKER_FIX =
  "Use the same heartbeatMs and peerTtlMs everywhere, with heartbeatMs at most a third of peerTtlMs (automerge-repo's defaults are 15 s and 45 s)."

interface Pruning {
  readonly t: number
  /** How long the peer had been silent when pruned. */
  readonly silenceMs: number
}

export class PrunedPeer implements Detector {
  readonly name = "pruned peer"
  readonly libraries = AUTOMERGE_REPO_ONLY
  /** `repo|doc|peer` -> its last pruning not yet followed by a message. */
  readonly #pruned = new Map<string, Pruning>()

  observe(event: DiagnosticEvent, context: DetectorContext): void {
    if (event.type === "repo-gone") {
      for (const key of this.#pruned.keys()) if (key.startsWith(`${event.repoId}|`)) this.#pruned.delete(key)
      return
    }
    if (event.type !== "frame-in" && event.type !== "store") return
    if (event.type === "frame-in" && event.discarded === undefined) {
      for (const payload of event.payloads) {
        if (payload.sender === undefined || payload.docId === undefined) continue
        this.#onHeard(event, payload.sender, `${event.repoId}|${payload.docId}|${payload.sender}`, context)
      }
      return
    }
    if (event.type !== "store" || event.by !== "timeout") return
    for (const entry of event.entries) {
      if (!entry.deleted || context.world.isSimulated(event.repoId, entry.key)) continue
      this.#onPruned(event, entry.key, `${event.repoId}|${event.docId}|${entry.key}`, context)
    }
  }

  #onPruned(event: StoreEvent, peerId: string, at: string, context: DetectorContext): void {
    const held = context.world.held(event.repoId, event.docId, event.namespace, peerId)
    if (!held || held.deleted) return
    // One pruning deletes every channel of the peer: the first one counts.
    if (this.#pruned.get(at)?.t === event.t) return
    const silenceMs = Math.max(0, event.t - held.at)
    this.#pruned.set(at, { t: event.t, silenceMs })
    const peer = context.world.peer(peerId)
    context.raise({
      id: `pruned-peer|${at}`,
      kind: "pruned-peer",
      severity: "warning",
      t: event.t,
      summary: [{ peer }, ` was pruned after ${seconds(silenceMs)} without a message: it left without a goodbye`],
      details: [["Last heard ", { time: held.at }, "; until it was pruned, ", { time: event.t }, ", this page showed it as present."]],
      why: PRUNED_WHY,
      fix: PRUNED_FIX,
      repoId: event.repoId,
      repoLabel: context.world.label(event.repoId),
      docId: event.docId,
      namespace: event.namespace,
      key: peerId,
      peers: [peer],
      evidence: [
        eventEvidence("the pruning", event.repoId, event.eventId, event.t),
        keyEvidence(event.repoId, event.docId, event.namespace, peerId),
      ],
    })
  }

  #onHeard(event: FrameIn, peerId: string, at: string, context: DetectorContext): void {
    const pruning = this.#pruned.get(at)
    if (!pruning) return
    this.#pruned.delete(at)
    const backAfterMs = event.t - pruning.t
    if (backAfterMs > pruning.silenceMs) return
    const peer = context.world.peer(peerId)
    context.raise({
      id: `pruned-while-alive|${at}`,
      kind: "pruned-while-alive",
      severity: "warning",
      t: event.t,
      summary: [
        { peer },
        ` was pruned, then heard again ${seconds(backAfterMs)} later: its heartbeats come further apart than this page keeps a silent peer`,
      ],
      details: [
        [
          `Silent for ${seconds(pruning.silenceMs)} when pruned (`,
          { time: pruning.t },
          `); its next message came ${seconds(pruning.silenceMs + backAfterMs)} after the one before.`,
        ],
      ],
      why: FLICKER_WHY,
      fix: FLICKER_FIX,
      repoId: event.repoId,
      repoLabel: context.world.label(event.repoId),
      docId: at.split("|")[1],
      peers: [peer],
      evidence: [eventEvidence("the message after the pruning", event.repoId, event.eventId, event.t)],
    })
  }
}

/** "0.4 s", "45 s": tenths only where they matter. */
function seconds(ms: number): string {
  return formatSeconds(ms, ms < 10_000 ? 1 : 0)
}
