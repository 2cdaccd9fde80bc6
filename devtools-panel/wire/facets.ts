/**
 * What the log's filters test, computed once per event when it is recorded:
 * the documents, peers and channels an event involves, its direction and
 * size. Filtering 100,000 events then reads a few fields instead of walking
 * messages again.
 *
 * Peers here are the ones an event names in plain fields (channel peers,
 * handshake identities, store keys). The owners of the ephemeral entries a
 * frame carries are in its bytes: decoding them for every frame at ingest
 * would cost more than everything else the panel does per event, so the peer
 * filter decodes them only while it is set (subjectPeers in filter.ts).
 */
import { skipUnknown, type CommandSummary, type HookEvent, type ModelSnapshot, type WireValue } from "../../protocol/messages"
import { isWireObject } from "../values/summary"
import { channelDocIds, numberOf, text } from "./channel-message"
import { peerOfKey } from "./ephemeral-decode"

export type Direction = "in" | "out" | "local"

export interface LogFacets {
  /** The repo's label when the event was recorded. */
  readonly label: string
  /** msgType, emitter event name, or the store event's `by`. */
  readonly type: string
  readonly direction: Direction
  readonly docIds: readonly string[]
  readonly peerIds: readonly string[]
  readonly channelIds: readonly number[]
  /** Wire size for channel messages, else 0. */
  readonly bytes: number
}

const NONE: readonly never[] = Object.freeze([])

function list<T>(set: Set<T>): readonly T[] {
  return set.size === 0 ? NONE : [...set]
}

/** The peer on a channel, as the model knew it when the event was observed. */
export function peerOnChannel(model: ModelSnapshot, channelId: number): string | undefined {
  for (const channel of model.channels) if (channel.channelId === channelId) return channel.peerId
  return undefined
}

class Collector {
  readonly docs = new Set<string>()
  readonly peers = new Set<string>()
  readonly channels = new Set<number>()
  constructor(readonly model: ModelSnapshot) {}

  doc(value: WireValue | undefined): void {
    if (typeof value === "string") this.docs.add(value)
  }

  peer(value: WireValue | undefined): void {
    if (typeof value === "string" && value !== "") this.peers.add(value)
  }

  channel(value: WireValue | undefined): void {
    const id = numberOf(value)
    if (id === undefined) return
    this.channels.add(id)
    this.peer(peerOnChannel(this.model, id))
  }

  /** A channel message: its documents, and the peer a handshake announces. */
  message(message: WireValue | undefined): void {
    channelDocIds(message, this.docs)
    if (isWireObject(message) && isWireObject(message.identity)) this.peer(message.identity.peerId)
  }

  command(command: CommandSummary): void {
    const detail = command.detail
    if (!isWireObject(detail)) return
    this.doc(detail.docId)
    this.peer(detail.peerId)
    this.peer(detail.fromPeerId)
    this.channel(detail.toChannelId)
    if (Array.isArray(detail.toChannelIds)) for (const id of detail.toChannelIds) this.channel(id)
    if (Array.isArray(detail.docs)) for (const doc of detail.docs) if (isWireObject(doc)) this.doc(doc.docId)
    const envelope = detail.envelope
    if (isWireObject(envelope)) {
      if (Array.isArray(envelope.toChannelIds)) for (const id of envelope.toChannelIds) this.channel(id)
      this.message(envelope.message)
    }
  }

  facets(label: string, type: string, direction: Direction, bytes: number): LogFacets {
    return { label, type, direction, docIds: list(this.docs), peerIds: list(this.peers), channelIds: list(this.channels), bytes }
  }
}

/** `keysArePeers`: every store key of this repo is a peer id (automerge-repo); else only keys that look like one. */
export function facetsOf(event: HookEvent, model: ModelSnapshot, label: string, keysArePeers = false): LogFacets {
  const collect = new Collector(model)
  switch (event.kind) {
    case "sync-message": {
      const message = isWireObject(event.message) ? event.message : {}
      const envelope = isWireObject(message.envelope) ? message.envelope : undefined
      collect.doc(message.docId)
      collect.peer(message.fromPeerId)
      if (envelope) {
        collect.channel(envelope.fromChannelId)
        collect.message(envelope.message)
      }
      for (const command of Array.isArray(event.commands) ? event.commands : []) collect.command(command)
      return collect.facets(label, String(event.msgType), envelope ? "in" : "local", 0)
    }
    case "channel-in":
      collect.channel(event.channelId)
      collect.peer(event.peerId)
      collect.message(event.message)
      // automerge-repo: the author of a relayed message is its senderId.
      if (isWireObject(event.message)) collect.peer(event.message.senderId)
      return collect.facets(label, String(event.msgType), "in", numberOf(event.size) ?? 0)
    case "channel-out":
      for (const id of Array.isArray(event.toChannelIds) ? event.toChannelIds : []) collect.channel(id)
      collect.message(event.message)
      return collect.facets(label, String(event.msgType), "out", numberOf(event.size) ?? 0)
    case "emitter": {
      const data = isWireObject(event.data) ? event.data : {}
      collect.doc(data.docId)
      collect.peer(data.peerId)
      return collect.facets(label, String(event.name), "local", 0)
    }
    case "store":
      collect.doc(event.docId)
      for (const entry of Array.isArray(event.entries) ? event.entries : []) {
        collect.peer(keysArePeers ? String(entry?.key) : peerOfKey(String(entry?.key)))
      }
      return collect.facets(label, String(event.by), event.by === "import" ? "in" : "local", 0)
    case "store-created":
      collect.doc(event.docId)
      return collect.facets(label, String(event.namespace), "local", 0)
    case "model": {
      const delta = isWireObject(event.delta as unknown as WireValue) ? (event.delta as Record<string, WireValue>) : {}
      for (const peer of Array.isArray(delta.peers) ? delta.peers : [])
        if (isWireObject(peer) && isWireObject(peer.identity)) collect.peer(peer.identity.peerId)
      for (const doc of Array.isArray(delta.documents) ? delta.documents : []) if (isWireObject(doc)) collect.doc(doc.docId)
      return collect.facets(label, String(event.cause), "local", 0)
    }
    default: {
      // A newer hook's kind: filed under its own name.
      const kind = text((event as { kind?: WireValue }).kind) ?? "unknown"
      skipUnknown(event)
      return collect.facets(label, kind, "local", 0)
    }
  }
}
