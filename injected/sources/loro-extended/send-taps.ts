/**
 * Outbound: `synchronizer.adapters.send(envelope)` and
 * `sendEstablishmentMessage(envelope)` see every envelope for every adapter,
 * adapters added later included. They are AdapterManager prototype methods;
 * the wrappers are own properties of the instance, deleted on restore.
 */
import { withOptions } from "../../../codec/event-tape/event-writer"
import type { LoroExtendedTapName } from "../../../protocol/messages"
import { wrapFunction } from "../shared/function-wrap"
import { collectEphemeralData, estimateSize } from "./loro-values"
import { isObject, messageType, read, type SynchronizerLike } from "./repo-shape"
import type { RepoSink, TapBoard, Teardown } from "../shared/tap-board"

export function installSendTap(
  sync: SynchronizerLike,
  board: TapBoard<LoroExtendedTapName>,
  sink: RepoSink,
  tap: Extract<LoroExtendedTapName, "adapters-send" | "establishment-send">,
): Teardown | string {
  const adapters = read(sync, "adapters")
  if (!isObject(adapters)) return "synchronizer.adapters is missing"
  const method = tap === "adapters-send" ? "send" : "sendEstablishmentMessage"
  const establishment = tap === "establishment-send"
  let active = true

  const observe = (envelope: unknown) => {
    board.counts[tap]++
    if (!sink.listening) return
    board.guard(tap, () => {
      const message = read(envelope, "message")
      const targets = read(envelope, "toChannelIds")
      const toChannelIds = Array.isArray(targets) ? targets.map(Number).filter(Number.isFinite) : []
      sink.event("channel-out", {
        toChannelIds,
        msgType: messageType(message),
        // With references: the command that queued it carried the same message.
        message: withOptions(message, { fullBytes: collectEphemeralData(message), references: true }),
        // Sized while written; the full serializer's rare values are sized apart.
        size: estimateSize,
        establishment,
      })
    })
  }

  const wrapped = wrapFunction(
    adapters,
    method,
    original =>
      function tappedSend(this: unknown, ...args: unknown[]) {
        if (active) {
          try {
            observe(args[0])
          } catch (error) {
            board.fail(tap, error)
          }
        }
        return original.apply(this, args)
      },
  )
  if (typeof wrapped === "string") return `synchronizer.adapters.${wrapped}`
  return () => {
    active = false
    wrapped.restore()
  }
}
