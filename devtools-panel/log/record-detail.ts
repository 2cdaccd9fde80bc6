/**
 * Everything the detail pane shows for one record: decoded ephemeral
 * payloads, document payloads, the model change, who a change went to, and
 * the events it is causally tied to (the TEA loop: a frame in, the message
 * that handled it, the frames and store events that followed).
 */
import type { HookEvent } from "../../protocol/messages"
import { recordAt, type EventLog, type LogRecord } from "../state/event-log"
import { isWireObject } from "../values/summary"
import { docPayloads, type DocPayload } from "../wire/channel-message"
import { decodeMessage, type DecodedPayload } from "../wire/ephemeral-decode"
import { carriedMessage } from "./filter"
import { modelChanges, type ModelChange } from "./model-change"
import { explainPropagation, type Propagation } from "./propagation"
import type { PeerNames } from "../values/format"

export interface RelatedRecord {
  relation: string
  seq: number
  eventId: number
}

export interface RecordDetail {
  /** Every peer involved: named in the event, or owning an entry it carries. */
  peers: string[]
  payloads: DecodedPayload[]
  docs: DocPayload[]
  changes: ModelChange[]
  propagation?: Propagation
}

/** How far to look for a partner: the hook keeps an inbound frame and its handling together. */
const RELATED_WINDOW = 64

function fromChannel(event: HookEvent): number | undefined {
  if (event.kind !== "sync-message" || !isWireObject(event.message) || !isWireObject(event.message.envelope)) return undefined
  const id = event.message.envelope.fromChannelId
  return typeof id === "number" ? id : undefined
}

function find(log: EventLog, from: number, step: 1 | -1, test: (event: HookEvent) => boolean): LogRecord | undefined {
  for (let offset = 1; offset <= RELATED_WINDOW; offset++) {
    const record = recordAt(log, from + step * offset)
    if (!record) return undefined
    if (test(record.event)) return record
  }
  return undefined
}

/** The events this one is causally tied to, within a few records either side. */
export function relatedRecords(log: EventLog, record: LogRecord): RelatedRecord[] {
  const { event, seq } = record
  const sameRepo = (other: HookEvent) => other.repoId === event.repoId
  const found: Array<[string, LogRecord | undefined]> = []
  if (event.kind === "channel-in") {
    found.push(["handled by", find(log, seq, 1, other => sameRepo(other) && fromChannel(other) === event.channelId)])
  } else if (event.kind === "sync-message") {
    const channel = fromChannel(event)
    if (channel !== undefined)
      found.push([
        "received as",
        find(log, seq, -1, other => sameRepo(other) && other.kind === "channel-in" && other.channelId === channel),
      ])
  } else if (event.kind === "channel-out") {
    found.push(["sent for", find(log, seq, -1, other => sameRepo(other) && other.kind === "sync-message")])
  } else if (event.kind === "store") {
    found.push(["caused by", find(log, seq, -1, other => sameRepo(other) && other.kind === "sync-message")])
  }
  return found.flatMap(([relation, other]) => (other ? [{ relation, seq: other.seq, eventId: other.event.id }] : []))
}

/** Ephemeral payloads a command carries (cmd/apply-ephemeral lists the stores it applies). */
function commandPayloads(event: HookEvent): DecodedPayload[] {
  if (event.kind !== "sync-message" || !Array.isArray(event.commands)) return []
  return event.commands.flatMap(command => {
    const detail = command.detail
    if (command.type !== "cmd/apply-ephemeral" || !isWireObject(detail)) return []
    return decodeMessage({ type: "channel/ephemeral", docId: detail.docId ?? null, stores: detail.stores ?? [] })
  })
}

export function detailOf(record: LogRecord, names: PeerNames, isKnownPeer?: (id: string) => boolean): RecordDetail {
  const { event } = record
  const message = carriedMessage(event)
  const payloads = message !== undefined ? decodeMessage(message, isKnownPeer) : []
  const peers = new Set(record.facets.peerIds)
  for (const payload of payloads) for (const entry of payload.entries) if (entry.peer !== undefined) peers.add(entry.peer)
  return {
    peers: [...peers],
    // A received frame's bytes show once, not again under the command that applies them.
    payloads: payloads.length > 0 ? payloads : commandPayloads(event),
    docs: message !== undefined ? docPayloads(message) : [],
    changes: event.kind === "sync-message" || event.kind === "model" ? modelChanges(record.model, event.delta, names) : [],
    propagation: explainPropagation(record),
  }
}

/**
 * The decoded payloads to show. The hook may send a synchronizer message's
 * copy of a frame with its bytes cut short; the channel-in event that
 * delivered the same frame carries them whole, so its decoding stands in.
 */
export function bestPayloads(
  log: EventLog,
  record: LogRecord,
  detail: RecordDetail,
  isKnownPeer?: (id: string) => boolean,
): { payloads: DecodedPayload[]; fromEventId?: number } {
  if (!detail.payloads.some(payload => payload.error !== undefined)) return { payloads: detail.payloads }
  const received = relatedRecords(log, record).find(related => related.relation === "received as")
  const frame = received ? recordAt(log, received.seq) : undefined
  const message = frame ? carriedMessage(frame.event) : undefined
  if (!frame || message === undefined) return { payloads: detail.payloads }
  const payloads = decodeMessage(message, isKnownPeer)
  return payloads.some(payload => payload.error !== undefined) ? { payloads: detail.payloads } : { payloads, fromEventId: frame.event.id }
}
