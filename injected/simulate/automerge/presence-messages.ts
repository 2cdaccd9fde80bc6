/**
 * One simulated peer's side of automerge-repo's Presence protocol: the
 * ephemeral messages a Presence would send (`{ __presence: { type, … } }`,
 * CBOR-encoded), stamped with the peer's own session and count as the
 * network subsystem stamps a real sender's, so receivers deduplicate them
 * like any gossip. Presence has no way to drop one channel: a deleted
 * channel is a goodbye followed by a snapshot of the channels that remain.
 */
import type { JsonValue } from "../../../protocol/simulate"
import type { SimulatedPeer } from "../simulated-peer"
import { encodeCbor } from "./cbor"

/** PRESENCE_MESSAGE_MARKER in automerge-repo. */
const MARKER = "__presence"

export type Deliver = (message: Record<string, unknown>) => void

export class PresenceSender {
  readonly #peerId: string
  readonly #docId: string
  readonly #targetId: string
  readonly #sessionId = crypto.randomUUID().replaceAll("-", "").slice(0, 12)
  #count = 0
  #announced = false

  constructor(peerId: string, docId: string, targetId: string) {
    this.#peerId = peerId
    this.#docId = docId
    this.#targetId = targetId
  }

  /** Sends the peer's dirty channels (all of them the first time); returns how many messages left. */
  sendChanges(peer: SimulatedPeer, deliver: Deliver): number {
    const channels = [...peer.dirty]
    const deleted = channels.some(channel => peer.valueOf(channel) === undefined)
    if (!this.#announced || deleted) {
      let sent = 0
      if (deleted && this.#announced) {
        this.goodbye(deliver)
        sent++
      }
      this.#send(deliver, { type: "snapshot", state: this.#state(peer) })
      this.#announced = true
      peer.written.clear()
      // Written now: their behaviours may move on from here (SimulatedPeer.unstarted).
      for (const channel of peer.namespaces.keys()) {
        peer.written.add(channel)
        peer.unstarted.delete(channel)
      }
      return sent + 1
    }
    for (const channel of channels) {
      this.#send(deliver, { type: "update", channel, value: peer.valueOf(channel) ?? null })
      peer.written.add(channel)
      peer.unstarted.delete(channel)
    }
    return channels.length
  }

  /** The next send is a snapshot of every channel again (after a reconnect). */
  reannounce(peer: SimulatedPeer): void {
    if (!this.#announced) return
    this.#announced = false
    for (const channel of peer.namespaces.keys()) peer.dirty.add(channel)
  }

  heartbeat(deliver: Deliver): void {
    if (this.#announced) this.#send(deliver, { type: "heartbeat" })
  }

  goodbye(deliver: Deliver): void {
    this.#send(deliver, { type: "goodbye" })
  }

  #state(peer: SimulatedPeer): Record<string, JsonValue> {
    const state: Record<string, JsonValue> = {}
    for (const channel of peer.namespaces.keys()) {
      const value = peer.valueOf(channel)
      if (value !== undefined) state[channel] = value
    }
    return state
  }

  #send(deliver: Deliver, message: Record<string, JsonValue>): void {
    deliver({
      type: "ephemeral",
      senderId: this.#peerId,
      targetId: this.#targetId,
      documentId: this.#docId,
      sessionId: this.#sessionId,
      count: ++this.#count,
      data: encodeCbor({ [MARKER]: message }),
    })
  }
}
