/**
 * Inbound: each channel's `onReceive`, the function adapters call with what
 * arrives (wrapping `synchronizer.channelReceive` would miss it: adapters
 * hold bound copies). Existing channels are wrapped at registration, new
 * ones when `synchronizer/channel-added` passes the update function, and a
 * channel is unwrapped when it is removed.
 *
 * The model keeps its own copies of channel objects (mutative copies a
 * channel when it becomes established), and a copy taken while wrapped holds
 * our wrapper; restoring puts the original back on those copies too.
 */
import type { LoroExtendedTapName } from "../../../protocol/messages"
import { withOptions } from "../../../codec/event-tape/event-writer"
import { wrapFunction, type WrappedFunction } from "../shared/function-wrap"
import { collectEphemeralData, estimateSize } from "./loro-values"
import { adapterChannelDirectories, asModel, isObject, messageType, read, type AnyFunction, type SynchronizerLike } from "./repo-shape"
import type { ChannelLifecycle, UpdateFnTap } from "./update-fn-tap"
import type { InstallOutcome, RepoSink, TapBoard } from "../shared/tap-board"

const TAP = "channel-receive"

export class ChannelReceiveTap implements ChannelLifecycle {
  readonly #sync: SynchronizerLike
  readonly #board: TapBoard<LoroExtendedTapName>
  readonly #sink: RepoSink
  readonly #wrapped = new Map<object, WrappedFunction>()
  #active = true

  constructor(sync: SynchronizerLike, board: TapBoard<LoroExtendedTapName>, sink: RepoSink) {
    this.#sync = sync
    this.#board = board
    this.#sink = sink
  }

  /** Wraps the channels that exist now and follows new ones; the teardown restores every channel. */
  install(updates: UpdateFnTap): InstallOutcome {
    const directories = adapterChannelDirectories(this.#sync)
    if (directories.length === 0 && !isObject(read(this.#sync, "adapters"))) return "synchronizer.adapters is missing"
    try {
      for (const directory of directories) for (const channel of directory) this.#wrap(channel)
    } catch (error) {
      this.#restoreAll()
      throw error
    }
    const following = updates.enableLifecycle(this)
    const teardown = () => {
      if (typeof following === "function") following()
      this.#restoreAll()
    }
    return typeof following === "string" ? { teardown, note: `existing channels only: ${following}` } : teardown
  }

  channelAdded(channel: unknown): void {
    if (!this.#active) return
    this.#board.guard(TAP, () => this.#wrap(channel))
  }

  channelRemoved(channel: unknown): void {
    if (!this.#active || !isObject(channel)) return
    this.#board.guard(TAP, () => {
      // The message may carry the model's copy; the wrapped object is the adapter's.
      const channelId = read(channel, "channelId")
      for (const [target, wrapped] of this.#wrapped) {
        if (target === channel || read(target, "channelId") === channelId) {
          wrapped.restore()
          this.#wrapped.delete(target)
        }
      }
    })
  }

  #wrap(channel: unknown): void {
    if (!isObject(channel) || this.#wrapped.has(channel)) return
    const channelId = Number(read(channel, "channelId"))
    const wrapped = wrapFunction(channel, "onReceive", original => this.#makeWrapper(channelId, original))
    if (typeof wrapped === "string") throw new Error(`channel ${channelId}: ${wrapped}`)
    this.#wrapped.set(channel, wrapped)
  }

  #makeWrapper(channelId: number, original: AnyFunction): AnyFunction {
    const tap = this
    return function tappedOnReceive(this: unknown, ...args: unknown[]) {
      if (tap.#active) {
        try {
          tap.#observe(channelId, args[0])
        } catch (error) {
          tap.#board.fail(TAP, error)
        }
      }
      return original.apply(this, args)
    }
  }

  #observe(channelId: number, message: unknown): void {
    this.#board.counts[TAP]++
    if (!this.#sink.listening) return
    this.#board.guard(TAP, () => {
      const peerId = this.#peerIdOf(channelId, message)
      this.#sink.event("channel-in", {
        channelId,
        peerId,
        msgType: messageType(message),
        // With references: the sync-message this frame causes carries it
        // again, and in-page repos hand each other the same objects.
        message: withOptions(message, { fullBytes: collectEphemeralData(message), references: true }),
        // Sized while written; the full serializer's rare values are sized apart.
        size: estimateSize,
      })
    })
  }

  /** The established channel's peer; during the handshake, the identity the message announces. */
  #peerIdOf(channelId: number, message: unknown): string | undefined {
    const channel = asModel(read(this.#sync, "model"))?.channels.get(channelId)
    const peerId = read(channel, "peerId") ?? read(read(message, "identity"), "peerId")
    return typeof peerId === "string" ? peerId : undefined
  }

  #restoreAll(): void {
    this.#active = false
    const originals = new Map<unknown, AnyFunction>()
    for (const wrapped of this.#wrapped.values()) {
      originals.set(wrapped.wrapper, wrapped.original)
      wrapped.restore()
    }
    this.#wrapped.clear()
    const model = asModel(read(this.#sync, "model"))
    if (!model) return
    for (const copy of model.channels.values()) {
      const original = originals.get(read(copy, "onReceive"))
      if (original && isObject(copy)) {
        try {
          Object.defineProperty(copy, "onReceive", { value: original, writable: true, enumerable: true, configurable: true })
        } catch {
          // A frozen copy keeps our wrapper, which is inert now (#active is false).
        }
      }
    }
  }
}
