/**
 * Installs the outbound filter for local-only peers on the app's repo:
 * wraps `synchronizer.adapters.send` and `sendEstablishmentMessage`, through
 * which every envelope to every adapter passes (adapters added later too).
 *
 * Installed with the first local-only peer and kept until the engine is
 * disposed: a removed peer leaves a tombstone in the app's stores, and the
 * repo's heartbeat would carry even that key out of the page.
 */
import type { AddressedEnvelope } from "@loro-extended/repo"
import { wrapMethod, type MethodWrap } from "./method-wrap"
import { EphemeralKeyStripper } from "./outbound-filter"
import type { EnvelopeSend, OutboundMethods } from "./repo-access"

export class LocalOnlyGuard {
  readonly #outbound: OutboundMethods
  readonly #isSimulatedChannel: (channelId: number) => boolean
  readonly #hidden = new Set<string>()
  readonly #stripper = new EphemeralKeyStripper(
    key => this.#hidden.has(key),
    () => this.#hidden,
  )
  #wraps: MethodWrap[] = []

  constructor(outbound: OutboundMethods, isSimulatedChannel: (channelId: number) => boolean) {
    this.#outbound = outbound
    this.#isSimulatedChannel = isSimulatedChannel
  }

  /** Wraps the repo's send methods (once); throws if they cannot be wrapped. */
  install(): void {
    if (this.#wraps.length > 0) return
    const guard = (original: EnvelopeSend): EnvelopeSend =>
      function guardedSend(this: unknown, envelope: AddressedEnvelope): number {
        return original.call(this, filter(envelope))
      }
    const filter = (envelope: AddressedEnvelope): AddressedEnvelope => this.#filter(envelope)
    const send = wrapMethod(this.#outbound, "send", guard)
    try {
      this.#wraps = [send, wrapMethod(this.#outbound, "sendEstablishmentMessage", guard)]
    } catch (error) {
      send.dispose()
      throw error
    }
  }

  /** A key never to let out of the page, from now until dispose(). Call install() first. */
  hide(peerId: string): void {
    this.#hidden.add(peerId)
  }

  dispose(): void {
    for (const wrap of this.#wraps) wrap.dispose()
    this.#wraps = []
  }

  #filter(envelope: AddressedEnvelope): AddressedEnvelope {
    // Envelopes only for simulated channels stay in the page anyway.
    if (envelope.toChannelIds.every(this.#isSimulatedChannel)) return envelope
    const message = this.#stripper.message(envelope.message)
    if (message === envelope.message) return envelope
    // Nothing left: address it to no one, so every adapter still sees a well-formed envelope.
    return message ? { ...envelope, message } : { ...envelope, toChannelIds: [] }
  }
}
