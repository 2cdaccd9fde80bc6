/**
 * A repo's own key (its peer id) changed by an import. Only this repo writes
 * its key, so an import that changes it is another peer's copy winning over
 * this repo's own newer value: in 5.x every repo re-stamps every key it holds
 * on each heartbeat, and a relay's stale copy re-stamped after the owner's
 * last write is "newer" by last-writer-wins.
 */
import { type Detector, type DetectorContext, LORO_EXTENDED_ONLY } from "../detector"
import type { PeerRef, TextPart } from "../finding"
import type { DiagnosticEvent } from "../input"
import { eventEvidence, keyEvidence, sameValue, valuePart } from "../wording"

type StoreEvent = Extract<DiagnosticEvent, { type: "store" }>

const WHY =
  "Each heartbeat, @loro-extended/repo 5.x re-stamps every key a repo holds, other peers' keys included, and sends them on. A relay whose copy of your key is older than your latest write but was re-stamped after it wins last-writer-wins: your own value steps back here and at every peer behind the relay, and your newer write is refused wherever the re-stamped copy arrived first."
const FIX =
  "Write your own key again when an import changes it (subscribe to the store and compare with the value you last wrote), so your newest value gets the newest stamp. Keep the relay's clock in sync with the peers': a relay whose clock runs ahead re-stamps past your writes on every heartbeat."

export class OwnKeyOverwritten implements Detector {
  readonly name = "own key overwritten"
  readonly libraries = LORO_EXTENDED_ONLY

  observe(event: DiagnosticEvent, context: DetectorContext): void {
    if (event.type !== "store" || event.by !== "import") return
    const self = context.world.repo(event.repoId)?.identity.peerId
    if (self === undefined) return
    for (const entry of event.entries) {
      if (entry.key !== self) continue
      const before = context.world.held(event.repoId, event.docId, event.namespace, entry.key)
      if (!before || sameValue(before, entry)) continue
      this.#report(event, context, before, entry)
    }
  }

  #report(
    event: StoreEvent,
    context: DetectorContext,
    before: NonNullable<ReturnType<DetectorContext["world"]["held"]>>,
    entry: StoreEvent["entries"][number],
  ): void {
    const world = context.world
    const self = world.peer(entry.key)
    const source = event.sourceOf?.(entry)
    const sender = source?.sender !== undefined ? world.peer(source.sender) : undefined
    const relay = source?.channelPeer !== undefined ? world.peer(source.channelPeer) : undefined
    const from: TextPart[] = sender ? [{ peer: sender }] : relay ? [{ peer: relay }] : ["another peer"]
    const channel: TextPart[] = source
      ? [`channel #${source.channelId}`, ...(relay ? [" to ", { peer: relay }] : [])]
      : ["an unknown channel"]
    const peers: PeerRef[] = [self]
    for (const peer of [sender, relay]) if (peer && !peers.some(known => known.peerId === peer.peerId)) peers.push(peer)
    context.raise({
      id: `own-key-overwritten|${event.repoId}|${event.docId}|${event.namespace}|${entry.key}`,
      kind: "own-key-overwritten",
      severity: "error",
      t: event.t,
      summary: [
        { peer: self },
        `'s own ${event.namespace} was overwritten by an import: `,
        ...from,
        "'s re-stamped copy replaced a newer value",
      ],
      details: [
        [
          ...from,
          "'s copy ",
          valuePart(entry),
          ...(entry.timestamp !== undefined ? [" (stamped ", { time: entry.timestamp }, ")"] : []),
          " replaced ",
          valuePart(before),
          ...(before.timestamp !== undefined ? [" (stamped ", { time: before.timestamp }, ")"] : []),
          ".",
        ],
        [
          "It arrived on ",
          ...channel,
          ...(sender && relay && sender.peerId !== relay.peerId ? [", forwarded from ", { peer: sender }] : []),
          ".",
        ],
      ],
      why: WHY,
      fix: FIX,
      repoId: event.repoId,
      repoLabel: world.label(event.repoId),
      docId: event.docId,
      namespace: event.namespace,
      key: entry.key,
      peers,
      evidence: [
        eventEvidence("the import", event.repoId, event.eventId, event.t),
        keyEvidence(event.repoId, event.docId, event.namespace, entry.key),
      ],
    })
  }
}
