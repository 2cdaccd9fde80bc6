/**
 * The synchronizer's update function: every message in, the model before
 * and after, the command out. `updateFn` is a writable instance property
 * looked up on every dispatch, so replacing it sees everything.
 *
 * Two taps share the one wrapper: "update-fn" (sync-message events) and
 * "channel-receive", which learns here about channels added and removed.
 * Each can be turned off alone; the original comes back when neither needs it.
 */
import type { LoroExtendedTapName } from "../../../protocol/messages"
import { withOptions, type ValueOptions } from "../../../codec/event-tape/event-writer"
import { writeCommands } from "./command-summary"
import { wrapFunction, type WrappedFunction } from "../shared/function-wrap"
import { captureDelta } from "./model-summary"
import { messageType, read, type SynchronizerLike } from "./repo-shape"
import type { RepoSink, TapBoard, Teardown } from "../shared/tap-board"

/** Messages are immutable by the synchronizer's contract: written once, then as references. */
const REFERENCES: ValueOptions = { references: true }

export interface ChannelLifecycle {
  channelAdded(channel: unknown): void
  channelRemoved(channel: unknown): void
}

export class UpdateFnTap {
  readonly #sync: SynchronizerLike
  readonly #board: TapBoard<LoroExtendedTapName>
  readonly #sink: RepoSink
  #wrapped: WrappedFunction | string | undefined
  #events = false
  #lifecycle: ChannelLifecycle | undefined

  constructor(sync: SynchronizerLike, board: TapBoard<LoroExtendedTapName>, sink: RepoSink) {
    this.#sync = sync
    this.#board = board
    this.#sink = sink
  }

  /** The "update-fn" tap: a sync-message event per call while a panel listens. */
  enableEvents(): Teardown | string {
    const failure = this.#ensureWrapped()
    if (failure) return failure
    this.#events = true
    return () => {
      this.#events = false
      this.#restoreIfUnused()
    }
  }

  /** For the "channel-receive" tap: channel-added / channel-removed as they pass. */
  enableLifecycle(lifecycle: ChannelLifecycle): Teardown | string {
    const failure = this.#ensureWrapped()
    if (failure) return failure
    this.#lifecycle = lifecycle
    return () => {
      this.#lifecycle = undefined
      this.#restoreIfUnused()
    }
  }

  #ensureWrapped(): string | undefined {
    this.#wrapped ??= wrapFunction(this.#sync, "updateFn", original => {
      const tap = this
      return function tappedUpdateFn(this: unknown, ...args: unknown[]) {
        const result = original.apply(this, args)
        tap.#afterCall(args[0], args[1], result)
        return result
      }
    })
    return typeof this.#wrapped === "string" ? `synchronizer.${this.#wrapped}` : undefined
  }

  #restoreIfUnused(): void {
    if (this.#events || this.#lifecycle || typeof this.#wrapped !== "object") return
    this.#wrapped.restore()
    this.#wrapped = undefined
  }

  #afterCall(message: unknown, modelBefore: unknown, result: unknown): void {
    if (!this.#events && !this.#lifecycle) return
    try {
      this.#board.counts["update-fn"]++
      const type = messageType(message)
      if (this.#lifecycle) {
        if (type === "synchronizer/channel-added") this.#lifecycle.channelAdded(read(message, "channel"))
        else if (type === "synchronizer/channel-removed") this.#lifecycle.channelRemoved(read(message, "channel"))
      }
      if (this.#events && this.#sink.listening) this.#board.guard("update-fn", () => this.#record(type, message, modelBefore, result))
    } catch (error) {
      this.#board.fail("update-fn", error)
    }
  }

  #record(type: string, message: unknown, modelBefore: unknown, result: unknown): void {
    const modelAfter = Array.isArray(result) ? result[0] : undefined
    const command = Array.isArray(result) ? result[1] : undefined
    const delta = captureDelta(modelBefore, modelAfter, read(this.#sync, "readyStates"))
    this.#sink.event("sync-message", {
      msgType: type,
      // A received frame was just written whole as its channel-in event: a
      // reference to it (else bytes are summarised, like in commands).
      message: withOptions(message, REFERENCES),
      commands: out => writeCommands(out, command),
      delta: delta(),
    })
  }
}
