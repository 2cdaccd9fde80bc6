/**
 * Duplicate gossip (automerge-repo): every repo passes each ephemeral
 * message it receives on to its other peers, and a receiver drops one it has
 * seen before (same sender, session and count). A repo reached by more than
 * one path (a mesh plus a server, two servers) therefore receives each
 * message once per path and throws all but the first away: traffic
 * multiplied for nothing. The hook says which arrivals were dropped
 * (`discarded`); this detector counts them per sender over a window and
 * names the paths a sender's messages came by.
 */
import { type Detector, type DetectorContext, AUTOMERGE_REPO_ONLY } from "../detector"
import type { PeerRef, TextPart } from "../finding"
import type { DiagnosticEvent } from "../input"
import { eventEvidence } from "../wording"

type FrameIn = Extract<DiagnosticEvent, { type: "frame-in" }>

/** Arrivals looked at: the last 10 s. */
export const DUPLICATE_WINDOW_MS = 10_000
/** Fewer ephemeral arrivals than this in the window say nothing. */
export const DUPLICATE_MIN_ARRIVALS = 20
/** The share of arrivals dropped as duplicates from which a repo is flagged. */
export const DUPLICATE_SHARE = 0.25

const WHY =
  "automerge-repo floods ephemeral messages: every repo sends each one it receives on to all its other peers, and drops a copy it has already seen (same sender, session and count). A repo with more than one path to a sender gets each of its messages once per path: the bandwidth and decoding of every copy after the first are wasted, and they grow with every cursor move."
const FIX =
  "Give each repo one path to the others: connect clients to the sync server only (no extra direct channels), or, in a mesh, do not also connect every peer to a server that relays. A second server should not relay the same documents as the first."

interface Arrival {
  readonly t: number
  readonly sender: string
  readonly channelPeer: string | undefined
  readonly discarded: boolean
  readonly eventId: number
}

export class DuplicateGossip implements Detector {
  readonly name = "duplicate gossip"
  readonly libraries = AUTOMERGE_REPO_ONLY
  readonly #arrivals = new Map<string, Arrival[]>()

  observe(event: DiagnosticEvent, context: DetectorContext): void {
    if (event.type === "repo-gone") {
      this.#arrivals.delete(event.repoId)
      return
    }
    if (event.type === "tick") {
      for (const repoId of this.#arrivals.keys()) this.#judge(repoId, event.t, context)
      return
    }
    if (event.type !== "frame-in") return
    const sender = event.payloads.find(payload => payload.sender !== undefined)?.sender
    if (sender === undefined) return
    let arrivals = this.#arrivals.get(event.repoId)
    if (!arrivals) {
      arrivals = []
      this.#arrivals.set(event.repoId, arrivals)
    }
    arrivals.push({ t: event.t, sender, channelPeer: event.channelPeer, discarded: event.discarded !== undefined, eventId: event.eventId })
    this.#judge(event.repoId, event.t, context, event)
  }

  #judge(repoId: string, now: number, context: DetectorContext, latest?: FrameIn): void {
    const arrivals = this.#arrivals.get(repoId)
    if (!arrivals) return
    while (arrivals.length > 0 && arrivals[0]!.t < now - DUPLICATE_WINDOW_MS) arrivals.shift()
    const id = `duplicate-gossip|${repoId}`
    const dropped = arrivals.filter(arrival => arrival.discarded && !context.world.isSimulated(repoId, arrival.sender))
    const flagged = arrivals.length >= DUPLICATE_MIN_ARRIVALS && dropped.length / arrivals.length >= DUPLICATE_SHARE
    if (!flagged) {
      if (context.isOpen(id)) context.end(id, now)
      return
    }
    // Raised (again) only when a duplicate arrives: a tick alone only ends it.
    if (!latest?.discarded) return
    this.#raise(id, repoId, arrivals, dropped, latest, context)
  }

  #raise(
    id: string,
    repoId: string,
    arrivals: readonly Arrival[],
    dropped: readonly Arrival[],
    latest: FrameIn,
    context: DetectorContext,
  ): void {
    const world = context.world
    const senders = [...new Set(dropped.map(arrival => arrival.sender))]
    const peers: PeerRef[] = senders.map(sender => world.peer(sender))
    const details: TextPart[][] = senders.map(sender => {
      const paths = [...new Set(arrivals.filter(arrival => arrival.sender === sender).map(arrival => arrival.channelPeer))]
      const count = dropped.filter(arrival => arrival.sender === sender).length
      const via: TextPart[] = paths.flatMap((path, index) => [
        ...(index === 0 ? [] : [index === paths.length - 1 ? " and " : ", "]),
        ...(path === undefined ? ["an unknown channel"] : [{ peer: world.peer(path) }]),
      ])
      return [{ peer: world.peer(sender) }, `: ${count} dropped; its messages came through `, ...via, "."]
    })
    const share = Math.round((100 * dropped.length) / arrivals.length)
    context.raise({
      id,
      kind: "duplicate-gossip",
      severity: "warning",
      t: latest.t,
      summary: [
        `${dropped.length} of ${arrivals.length} ephemeral messages (${share} %) in ${DUPLICATE_WINDOW_MS / 1000} s reached this repo again and were dropped as duplicates`,
      ],
      details,
      why: WHY,
      fix: FIX,
      repoId,
      repoLabel: world.label(repoId),
      peers,
      evidence: [eventEvidence("a dropped duplicate", repoId, latest.eventId, latest.t)],
    })
  }
}
