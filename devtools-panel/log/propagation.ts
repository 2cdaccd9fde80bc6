/**
 * Who a change went to, and why. For a local document change (or an
 * imported one the repo passes on) loro-extended 5.x decides per
 * established channel (propagate-to-peers.ts in the repo):
 *   subscribed peer            -> `channel/update` (snapshot or update), unless it is up to date
 *   unknown / pending / behind -> `channel/new-doc` announcement, if the visibility rule allows
 *   absent                     -> nothing
 * and an ephemeral change goes to the established channels whose peer
 * subscribed to the document. This module reads the commands the message
 * produced and the model it was decided on, and says which case each peer
 * fell into.
 */
import type { CommandSummary, PeerSummary, WireValue } from "../../protocol/messages"
import type { LogRecord } from "../state/event-log"
import { formatBytes, formatVersion } from "../values/format"
import { isWireObject } from "../values/summary"
import { numberOf, text } from "../wire/channel-message"

export type Outcome = "update" | "announcement" | "ephemeral" | "nothing"

/** How outcomes read in rows and tables: what the peer got. */
export const OUTCOME_LABEL: Record<Outcome, string> = {
  update: "update",
  announcement: "announcement",
  ephemeral: "frame",
  nothing: "nothing",
}

export interface PropagationRow {
  channelId: number
  peerId?: string
  outcome: Outcome
  reason: string
}

export interface Propagation {
  docId: string
  kind: "document" | "ephemeral"
  rows: PropagationRow[]
}

/** channelId -> the message type a command sends there, with its transmission. */
function sentMessages(commands: readonly CommandSummary[]): Map<number, { type: string; transmission?: WireValue }> {
  const sent = new Map<number, { type: string; transmission?: WireValue }>()
  for (const command of commands) {
    if (command.type !== "cmd/send-message" || !isWireObject(command.detail) || !isWireObject(command.detail.envelope)) continue
    const { toChannelIds, message } = command.detail.envelope
    if (!isWireObject(message) || !Array.isArray(toChannelIds)) continue
    for (const id of toChannelIds)
      if (typeof id === "number") sent.set(id, { type: String(message.type), transmission: message.transmission })
  }
  return sent
}

function broadcastTargets(commands: readonly CommandSummary[]): Set<number> {
  const targets = new Set<number>()
  for (const command of commands) {
    if (command.type !== "cmd/broadcast-ephemeral-namespace" || !isWireObject(command.detail)) continue
    const ids = command.detail.toChannelIds
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === "number") targets.add(id)
  }
  return targets
}

function documentReason(
  peer: PeerSummary | undefined,
  docId: string,
  sent: { type: string; transmission?: WireValue } | undefined,
): { outcome: Outcome; reason: string } {
  const subscribed = peer?.subscriptions.includes(docId) === true
  const state = peer?.docSyncStates.find(s => s.docId === docId)
  const status = state?.status ?? "unknown"
  const knew = state?.lastKnownVersion ? ` (knew ${formatVersion(state.lastKnownVersion)})` : ""
  if (sent?.type === "channel/update") {
    const transmission = isWireObject(sent.transmission) ? sent.transmission : {}
    const data = isWireObject(transmission.data) ? numberOf(transmission.data.length) : undefined
    const what = `${text(transmission.type) ?? "update"}${data !== undefined ? ` of ${formatBytes(data)}` : ""}`
    return { outcome: "update", reason: `subscribed, sync state ${status}${knew}: sent the ${what}` }
  }
  if (sent?.type === "channel/new-doc") {
    return {
      outcome: "announcement",
      reason: `not subscribed, sync state ${status}${knew}: announced only (new-doc); it may ask for the document`,
    }
  }
  if (subscribed) return { outcome: "nothing", reason: `subscribed and already up to date${knew}` }
  if (status === "absent") return { outcome: "nothing", reason: "said it does not have this document (sync state absent)" }
  if (status === "synced") return { outcome: "nothing", reason: `not subscribed and up to date${knew}` }
  return { outcome: "nothing", reason: `not subscribed, sync state ${status}: the visibility permission rule did not reveal the document` }
}

/** Undefined for events that are not a change the repo passes on. */
export function explainPropagation(record: LogRecord): Propagation | undefined {
  const { event, model } = record
  if (event.kind !== "sync-message" || !isWireObject(event.message)) return undefined
  const docId = text(event.message.docId)
  if (docId === undefined) return undefined
  const commands = Array.isArray(event.commands) ? event.commands : []
  const peers = new Map(model.peers.map(peer => [peer.identity.peerId, peer]))
  const rows: PropagationRow[] = []
  if (event.msgType === "synchronizer/ephemeral-local-change") {
    const targets = broadcastTargets(commands)
    for (const channel of model.channels) {
      const peerId = channel.peerId
      if (channel.type !== "established")
        rows.push({ channelId: channel.channelId, peerId, outcome: "nothing", reason: "channel not established yet" })
      else if (targets.has(channel.channelId))
        rows.push({
          channelId: channel.channelId,
          peerId,
          outcome: "ephemeral",
          reason: `subscribed to ${docId}: gets the ${text(event.message.namespace) ?? ""} frame`,
        })
      else rows.push({ channelId: channel.channelId, peerId, outcome: "nothing", reason: `not subscribed to ${docId}` })
    }
    return { docId, kind: "ephemeral", rows }
  }
  if (event.msgType !== "synchronizer/local-doc-change" && event.msgType !== "synchronizer/doc-imported") return undefined
  const source = text(event.message.fromPeerId)
  const sent = sentMessages(commands)
  for (const channel of model.channels) {
    const peerId = channel.peerId
    if (channel.type !== "established")
      rows.push({ channelId: channel.channelId, peerId, outcome: "nothing", reason: "channel not established yet" })
    else if (source !== undefined && peerId === source)
      rows.push({ channelId: channel.channelId, peerId, outcome: "nothing", reason: "the change came from this peer" })
    else
      rows.push({
        channelId: channel.channelId,
        peerId,
        ...documentReason(peerId === undefined ? undefined : peers.get(peerId), docId, sent.get(channel.channelId)),
      })
  }
  return { docId, kind: "document", rows }
}
