/**
 * The one-line text of a log row: what kind of event, where it went, and
 * the gist of its payload (the commands a message produced, the keys a
 * frame carries and whose they are, a document payload's type and size).
 * Computed for visible rows only and cached per record (records never change).
 */
import { skipUnknown, type CommandSummary, type WireValue } from "../../protocol/messages"
import type { LogRecord } from "../state/event-log"
import { formatBytes, type PeerNames } from "../values/format"
import { isWireObject } from "../values/summary"
import { docPayloads, flattenBatch, text } from "../wire/channel-message"
import { type DecodedPayload, decodeMessage } from "../wire/ephemeral-decode"
import { envelopeMessage } from "./filter"
import { explainPropagation, OUTCOME_LABEL, type Outcome } from "./propagation"

export interface RowText {
  /** The message or event type without its "synchronizer/" / "channel/" / "cmd/" prefix. */
  type: string
  /** Channel and peer, or document and namespace. */
  where: string
  summary: string
}

export function shortType(type: string): string {
  const slash = type.indexOf("/")
  return slash >= 0 && /^(synchronizer|channel|cmd)\//.test(type) ? type.slice(slash + 1) : type
}

/** automerge: "update cursor from alice · #12", "heartbeat from bob · #40", "broadcast from carol · #3". */
function cborGist(decoded: DecodedPayload, names: PeerNames): string {
  const { payload } = decoded
  if (decoded.error) return `ephemeral (${decoded.error})`
  const kind = (decoded.kind ?? "ephemeral").replace(/^presence /, "")
  const channels = kind === "broadcast" ? [] : decoded.entries.map(entry => entry.key)
  const from = payload.sender ? ` from ${names(payload.sender)}` : ""
  return `${kind}${channels.length > 0 ? ` ${channels.join(", ")}` : ""}${from} · #${payload.count ?? "?"}`
}

/** "presence: alice, ✕bob" for ephemeral payloads; "snapshot 81 B" for documents; else the inner types. */
export function messageGist(message: WireValue | undefined, names: PeerNames): string {
  const parts: string[] = []
  for (const payload of decodeMessage(message)) {
    if (payload.payload.format === "cbor") {
      parts.push(cborGist(payload, names))
      continue
    }
    const keys = payload.entries.map(entry => `${entry.deleted ? "✕" : ""}${entry.peer ? names(entry.peer) : entry.key}`)
    parts.push(`${payload.payload.namespace}: ${payload.error ? `(${payload.error})` : keys.length === 0 ? "no entries" : keys.join(", ")}`)
  }
  for (const doc of docPayloads(message)) {
    if (doc.type !== "request") parts.push(`${doc.type}${doc.size > 0 ? ` ${formatBytes(doc.size)}` : ""}`)
  }
  const batch = flattenBatch(message)
  if (parts.length === 0 && batch.length > 1)
    parts.push(
      batch
        .slice(1)
        .map(inner => shortType(text(inner.type) ?? "?"))
        .join(", "),
    )
  if (parts.length === 0 && isWireObject(message) && isWireObject(message.identity))
    parts.push(String(message.identity.name ?? message.identity.peerId ?? ""))
  return parts.join(" · ")
}

function channelWhere(ids: readonly number[], peers: Array<string | undefined>, names: PeerNames): string {
  return ids.map((id, index) => `#${id}${peers[index] ? ` ${names(peers[index]!)}` : ""}`).join(", ")
}

function peerOn(record: LogRecord, channelId: number): string | undefined {
  return record.model.channels.find(channel => channel.channelId === channelId)?.peerId
}

export function commandsGist(commands: readonly CommandSummary[]): string {
  const leaves = commands.filter(command => command.type !== "cmd/batch").map(command => shortType(command.type))
  return leaves.length === 0 ? "no command" : `⇒ ${leaves.join(", ")}`
}

/** " · update: hub · announcement: bob" for a change the repo passed on (who got nothing is in the detail). */
function propagationGist(record: LogRecord, names: PeerNames): string {
  const propagation = explainPropagation(record)
  if (!propagation) return ""
  const byOutcome = new Map<Outcome, string[]>()
  for (const row of propagation.rows) {
    if (row.outcome === "nothing") continue
    byOutcome.set(row.outcome, [...(byOutcome.get(row.outcome) ?? []), row.peerId ? names(row.peerId) : `#${row.channelId}`])
  }
  return [...byOutcome].map(([outcome, peers]) => ` · ${OUTCOME_LABEL[outcome]}: ${peers.join(", ")}`).join("")
}

export function rowText(record: LogRecord, names: PeerNames): RowText {
  const { event } = record
  switch (event.kind) {
    case "sync-message": {
      const inner = envelopeMessage(event.message)
      const from = isWireObject(event.message) && isWireObject(event.message.envelope) ? event.message.envelope.fromChannelId : undefined
      const where =
        typeof from === "number" ? `from ${channelWhere([from], [peerOn(record, from)], names)}` : record.facets.docIds.join(", ")
      const received = isWireObject(inner) ? `${shortType(String(inner.type))} ` : ""
      return {
        type: shortType(event.msgType),
        where,
        summary: `${received}${commandsGist(event.commands ?? [])}${propagationGist(record, names)}`,
      }
    }
    case "channel-in":
      return {
        type: shortType(event.msgType),
        where: `from ${channelWhere([event.channelId], [event.peerId ?? peerOn(record, event.channelId)], names)}`,
        // Dropped on arrival (gossip seen before): said first, the gist is what was dropped.
        summary: `${typeof event.discarded === "string" ? "✕ discarded · " : ""}${messageGist(event.message, names)}`,
      }
    case "channel-out": {
      const ids = Array.isArray(event.toChannelIds) ? event.toChannelIds : []
      return {
        type: shortType(event.msgType),
        where: `to ${channelWhere(
          ids,
          ids.map(id => peerOn(record, id)),
          names,
        )}`,
        summary: messageGist(event.message, names),
      }
    }
    case "emitter": {
      const data = isWireObject(event.data) ? event.data : {}
      const peer = typeof data.peerId === "string" ? ` from ${names(data.peerId)}` : ""
      return { type: event.name, where: text(data.docId) ?? "", summary: `${text(data.source) ?? ""}${peer}`.trim() }
    }
    case "store": {
      const entries = Array.isArray(event.entries) ? event.entries : []
      const keys = entries.map(entry => `${entry.deleted ? "✕" : ""}${names(String(entry.key))}`)
      return {
        type: `by ${event.by}`,
        where: `${event.docId}/${event.namespace}`,
        summary: keys.length === 0 ? "no keys" : keys.join(", "),
      }
    }
    case "store-created":
      return { type: "store-created", where: `${event.docId}/${event.namespace}`, summary: "" }
    case "model": {
      const parts = isWireObject(event.delta as unknown as WireValue) ? Object.keys(event.delta) : []
      return { type: "model", where: String(event.cause), summary: parts.length === 0 ? "no change" : `${parts.join(", ")} changed` }
    }
    default:
      // A newer hook's kind: shown as unknown, never a crash.
      skipUnknown(event)
      return { type: "unknown", where: "", summary: "" }
  }
}

/** A nested command row: its type and where it sends or what it touches. */
export function commandText(command: CommandSummary, names: PeerNames): RowText {
  const detail = isWireObject(command.detail) ? command.detail : {}
  const envelope = isWireObject(detail.envelope) ? detail.envelope : undefined
  const targets = Array.isArray(envelope?.toChannelIds)
    ? envelope.toChannelIds
    : Array.isArray(detail.toChannelIds)
      ? detail.toChannelIds
      : typeof detail.toChannelId === "number"
        ? [detail.toChannelId]
        : []
  const where = targets.length > 0 ? `to ${targets.map(id => `#${String(id)}`).join(", ")}` : (text(detail.docId) ?? "")
  const inner = envelope ? shortType(text(isWireObject(envelope.message) ? envelope.message.type : undefined) ?? "") : ""
  const peer = text(detail.peerId) ?? text(detail.fromPeerId)
  return { type: shortType(command.type), where, summary: [inner, peer ? names(peer) : ""].filter(Boolean).join(" · ") }
}
