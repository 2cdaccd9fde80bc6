/**
 * The adapter through which simulated peers reach the app's repo. It has the
 * shape `repo.addAdapter()` accepts (5.x, plus `flush()` for 6.x) without
 * extending the library's Adapter class, which the page hook cannot bundle.
 *
 * One adapter per engine, and through it one channel: the relay every
 * simulated peer arrives on, as people behind a hub arrive on the hub's
 * channel. A channel per peer would put fifty peers and channels into the
 * app's model, which real collaborators behind a hub never are, and make
 * every message the repo handles cost more (measured: the app's heartbeat
 * with fifty keys took 2-3x as long with a channel per peer as with one).
 *
 * The channel speaks just enough protocol for the repo to treat the relay as a
 * real peer: it answers the establish-request with the relay's identity and every
 * sync-request with "unavailable", so no document is ever created or changed.
 * Its kind is "other": a "network" channel would satisfy the app's
 * `waitForSync()` while the app may really be offline.
 *
 * Everything delivered to the repo goes through the engine's delivery queue,
 * never synchronously from inside a repo call.
 */
import type {
  AdapterContext,
  AddressedEnvelope,
  BatchableMsg,
  ChannelMsg,
  ConnectedChannel,
  HandleSendFn,
  PeerIdentityDetails,
} from "@loro-extended/repo"
import type { DeliveryQueue } from "./delivery-queue"

export const SIMULATED_ADAPTER_TYPE = "ephemera-simulated"

export interface SimulatedChannelOwner {
  peerId: string
  name: string
  channelId: number
  /** The identity type the handshake answers with. */
  type: "user" | "bot" | "service"
}

export interface SimulatedAdapterEvents {
  /** The repo has the channel's identity: the channel is established and may carry frames. */
  established(channelId: number): void
  /** The repo threw while taking this channel's handshake. */
  failed(channelId: number, error: unknown): void
  /** The repo stopped the adapter on its own (e.g. `repo.reset()`): every channel is gone. */
  stopped(): void
}

/** The `channels` directory the repo iterates (ChannelDirectory's read side). */
class SimulatedChannels implements Iterable<ConnectedChannel> {
  readonly #byId = new Map<number, ConnectedChannel>()

  get(channelId: number): ConnectedChannel | undefined {
    return this.#byId.get(channelId)
  }
  has(channelId: number): boolean {
    return this.#byId.has(channelId)
  }
  get size(): number {
    return this.#byId.size
  }
  [Symbol.iterator](): Iterator<ConnectedChannel> {
    return this.#byId.values()
  }
  set(channel: ConnectedChannel): void {
    this.#byId.set(channel.channelId, channel)
  }
  clear(): void {
    this.#byId.clear()
  }
}

export class SimulatedAdapter {
  readonly adapterType = SIMULATED_ADAPTER_TYPE
  readonly kind = "other" as const
  readonly adapterId: string
  readonly channels = new SimulatedChannels()
  /** Set by the repo's AdapterManager for its debug hook; called like the library's adapters do. */
  onSend: HandleSendFn | undefined

  readonly #queue: DeliveryQueue
  readonly #events: SimulatedAdapterEvents
  readonly #owners = new Map<number, SimulatedChannelOwner>()
  /** Channels asked for before the repo started the adapter. */
  readonly #waiting: SimulatedChannelOwner[] = []
  #context: AdapterContext | undefined
  #started = false

  constructor(adapterId: string, queue: DeliveryQueue, events: SimulatedAdapterEvents) {
    this.adapterId = adapterId
    this.#queue = queue
    this.#events = events
  }

  // -- the adapter contract, called by the repo --------------------------------

  _initialize(context: AdapterContext): void {
    this.#context = context
    this.#started = false
  }

  async _start(): Promise<void> {
    this.#started = true
    for (const owner of this.#waiting.splice(0)) this.openChannel(owner)
  }

  async _stop(): Promise<void> {
    // The repo has already removed our channels from its model (removeAdapter
    // and reset both do that before stopping the adapter).
    const hadChannels = this.#owners.size > 0
    this.#started = false
    this.channels.clear()
    this.#owners.clear()
    if (hadChannels) this.#events.stopped()
  }

  _send(envelope: AddressedEnvelope): number {
    let sent = 0
    for (const channelId of envelope.toChannelIds) {
      if (!this.channels.has(channelId)) continue
      this.onSend?.(this.adapterType, channelId, envelope.message)
      this.#answer(channelId, envelope.message)
      sent++
    }
    return sent
  }

  /** 6.x flushes adapters that buffer; every answer here is already queued for delivery. */
  flush(): void {}

  // -- used by the engine ---------------------------------------------------------

  /** Adds a channel to the repo and starts the handshake (in the delivery queue). */
  openChannel(owner: SimulatedChannelOwner): void {
    if (!this.#started) {
      this.#waiting.push(owner)
      return
    }
    const channel: ConnectedChannel = {
      type: "connected",
      channelId: owner.channelId,
      kind: this.kind,
      adapterType: this.adapterType,
      send: message => this.#answer(owner.channelId, message),
      stop: () => {},
      onReceive: message => this.#requireContext().onChannelReceive(owner.channelId, message),
    }
    this.channels.set(channel)
    this.#owners.set(owner.channelId, owner)
    this.#queue.push(
      () => {
        const context = this.#requireContext()
        context.onChannelAdded(channel)
        context.onChannelEstablish(channel)
      },
      error => this.#events.failed(owner.channelId, error),
    )
  }

  /**
   * Hands a message to the repo as if it arrived on the channel; call from
   * inside the delivery queue. Through the channel's own `onReceive`, as the
   * library's adapters do, so whatever observes a channel's traffic (the
   * page hook's channel-in events) sees these frames too.
   */
  deliver(channelId: number, message: ChannelMsg): void {
    this.channels.get(channelId)?.onReceive(message)
  }

  #requireContext(): AdapterContext {
    if (!this.#context) throw new Error("the simulated adapter is not registered with the repo")
    return this.#context
  }

  /** What a peer that holds no documents says back. */
  #answer(channelId: number, message: ChannelMsg): void {
    const owner = this.#owners.get(channelId)
    if (!owner) return
    if (message.type === "channel/establish-request") {
      const identity = { peerId: owner.peerId, name: owner.name, type: owner.type } as PeerIdentityDetails
      this.#queue.push(
        () => {
          this.deliver(channelId, { type: "channel/establish-response", identity })
          if (this.channels.has(channelId)) this.#events.established(channelId)
        },
        error => this.#events.failed(channelId, error),
      )
      return
    }
    const inner = message.type === "channel/batch" ? message.messages : [message as BatchableMsg]
    const replies = inner.flatMap(replyTo)
    if (replies.length === 0) return
    const reply: ChannelMsg = replies.length === 1 ? replies[0]! : { type: "channel/batch", messages: replies }
    this.#queue.push(() => this.deliver(channelId, reply))
  }
}

function replyTo(message: BatchableMsg): BatchableMsg[] {
  switch (message.type) {
    case "channel/sync-request":
      return [{ type: "channel/sync-response", docId: message.docId, transmission: { type: "unavailable" } }]
    case "channel/directory-request":
      return [{ type: "channel/directory-response", docIds: [] }]
    case "channel/delete-request":
      return [{ type: "channel/delete-response", docId: message.docId, status: "ignored" }]
    default:
      // Updates, presence and announcements are for a peer that keeps state; this one does not.
      return []
  }
}
