/**
 * Two writes of one key in one millisecond. An import is last-writer-wins by
 * timestamp and a tie keeps what the receiver has, while a local write
 * always overwrites: the writer ends with the second value and every
 * receiver that got the first keeps it.
 *
 * - On the writer: a local write whose stamp equals the stamp the key
 *   already had, with another value, puts the update AT RISK.
 * - On a receiver: a frame offering a key with the stamp the receiver holds
 *   (or that an earlier payload of the same frame gave it) and another value
 *   is refused: the update is CONFIRMED LOST there.
 */
import type { WireValue } from "../../../protocol/messages"
import { type Detector, type DetectorContext, LORO_EXTENDED_ONLY } from "../detector"
import type { TextPart } from "../finding"
import type { CarriedEntry, DiagnosticEvent } from "../input"
import { eventEvidence, keyEvidence, keyOf, sameValue, valuePart } from "../wording"

type StoreEvent = Extract<DiagnosticEvent, { type: "store" }>
type FrameIn = Extract<DiagnosticEvent, { type: "frame-in" }>

interface Stamped {
  readonly timestamp?: number
  readonly value?: WireValue
  readonly deleted: boolean
}

/** A carried entry as a stamped value (its value decoded now: only ties get here, or an earlier payload's entry). */
function stampedOf(carried: CarriedEntry): Stamped {
  return carried.deleted
    ? { timestamp: carried.timestamp, deleted: true }
    : { timestamp: carried.timestamp, value: carried.value(), deleted: false }
}

function remember(projected: Map<string, Map<string, CarriedEntry>>, store: string, carried: CarriedEntry): void {
  let keys = projected.get(store)
  if (!keys) {
    keys = new Map()
    projected.set(store, keys)
  }
  keys.set(carried.key, carried)
}

const WHY =
  "Last-writer-wins compares timestamps, and a tie keeps what a receiver already has. Two writes in one millisecond carry the same stamp, so receivers keep the first and refuse the second, while the writer shows the second. Peers disagree until the key is re-stamped on a heartbeat (up to 10 s): if the writer's comes first the second value spreads; if a relay's comes first, its copy of the first value wins everywhere, the writer included. A final state (a drop position, typing off) can be wrong for good."
const FIX =
  "Write each key at most once per millisecond: coalesce updates (for example one write per animation frame, or a trailing throttle) so the last value is written alone; never set a key twice in one event handler."

export class SameMillisecondWrites implements Detector {
  readonly name = "same-millisecond writes"
  readonly libraries = LORO_EXTENDED_ONLY
  /** Finding id -> the stamp last reported lost: one loss refused in several frames counts once. */
  readonly #reported = new Map<string, number>()

  observe(event: DiagnosticEvent, context: DetectorContext): void {
    if (event.type === "store" && event.by === "local") this.#writer(event, context)
    else if (event.type === "frame-in") this.#receiver(event, context)
  }

  #writer(event: StoreEvent, context: DetectorContext): void {
    for (const entry of event.entries) {
      const before = context.world.held(event.repoId, event.docId, event.namespace, entry.key)
      if (!before || before.timestamp === undefined || before.timestamp !== entry.timestamp || sameValue(before, entry)) continue
      const owner = context.world.peer(entry.key)
      context.raise({
        id: `update-at-risk|${event.repoId}|${event.docId}|${event.namespace}|${entry.key}`,
        kind: "update-at-risk",
        severity: "warning",
        t: event.t,
        summary: [...keyOf(owner, event.namespace), " update is at risk: two writes in one millisecond; receivers keep the first"],
        details: [
          ["Both writes carry the stamp ", { time: entry.timestamp }, "."],
          [
            context.world.label(event.repoId),
            " now holds ",
            valuePart(entry),
            "; peers that got the first write keep ",
            valuePart(before),
            ".",
          ],
        ],
        why: WHY,
        fix: FIX,
        repoId: event.repoId,
        repoLabel: context.world.label(event.repoId),
        docId: event.docId,
        namespace: event.namespace,
        key: entry.key,
        peers: [owner],
        evidence: [
          eventEvidence("the second write", event.repoId, event.eventId, event.t),
          keyEvidence(event.repoId, event.docId, event.namespace, entry.key),
        ],
      })
    }
  }

  #receiver(event: FrameIn, context: DetectorContext): void {
    // A frame can carry one key twice (a batch): what the first payload gave it is what the second meets.
    let projected: Map<string, Map<string, CarriedEntry>> | undefined
    for (const payload of event.payloads) {
      const docId = payload.docId
      if (docId === undefined || payload.count === 0) continue
      const held = context.world.storeOf(event.repoId, docId, payload.namespace)
      const store = `${payload.namespace}\u001f${docId}`
      const earlier = projected?.get(store)
      for (const carried of payload.entries()) {
        if (context.world.isSimulated(event.repoId, carried.key)) continue
        const before = earlier?.get(carried.key)
        const current = before ? stampedOf(before) : held?.get(carried.key)
        if (current?.timestamp === undefined || carried.timestamp > current.timestamp) {
          if (event.payloads.length > 1) {
            projected ??= new Map()
            remember(projected, store, carried)
          }
          continue
        }
        if (carried.timestamp !== current.timestamp) continue
        const offered = stampedOf(carried)
        if (sameValue(current, offered)) continue
        this.#lost(
          event,
          context,
          { docId, namespace: payload.namespace, key: carried.key, timestamp: carried.timestamp, sender: payload.sender },
          current,
          offered,
        )
      }
    }
  }

  #lost(
    event: FrameIn,
    context: DetectorContext,
    where: { docId: string; namespace: string; key: string; timestamp: number; sender?: string },
    kept: Stamped,
    refused: Stamped,
  ): void {
    const { docId, namespace, key, timestamp } = where
    const world = context.world
    const owner = world.peer(key)
    const self = world.repo(event.repoId)?.identity.peerId
    const from = where.sender ?? event.channelPeer
    const fromPart: TextPart[] = from === undefined ? [`channel #${event.channelId}`] : [{ peer: world.peer(from) }]
    const details: TextPart[][] =
      key === self
        ? [
            [
              "This repo wrote ",
              valuePart(kept),
              " last, but ",
              ...fromPart,
              "'s copy holds ",
              valuePart(refused),
              " with the same stamp ",
              { time: timestamp },
              ": peers behind it keep the first write.",
            ],
          ]
        : [
            [
              "This repo kept ",
              valuePart(kept),
              " and refused ",
              valuePart(refused),
              " from ",
              ...fromPart,
              ": both stamped ",
              { time: timestamp },
              ".",
            ],
          ]
    const id = `lost-update|${event.repoId}|${docId}|${namespace}|${key}`
    if (this.#reported.get(id) === timestamp && context.isOpen(id)) return
    this.#reported.set(id, timestamp)
    context.raise({
      id,
      kind: "lost-update",
      severity: "error",
      t: event.t,
      summary: [...keyOf(owner, namespace), " update was lost: two writes in one millisecond, receivers kept the first"],
      details,
      why: WHY,
      fix: FIX,
      repoId: event.repoId,
      repoLabel: world.label(event.repoId),
      docId,
      namespace,
      key,
      peers: from !== undefined && from !== key ? [owner, world.peer(from)] : [owner],
      evidence: [
        eventEvidence("the refused frame", event.repoId, event.eventId, event.t),
        keyEvidence(event.repoId, docId, namespace, key),
      ],
    })
  }
}
