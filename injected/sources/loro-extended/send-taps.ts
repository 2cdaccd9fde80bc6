/**
 * Outbound: `synchronizer.adapters.send(envelope)` and
 * `sendEstablishmentMessage(envelope)` see every envelope for every adapter,
 * adapters added later included. They are AdapterManager prototype methods;
 * the wrappers are own properties of the instance, deleted on restore.
 */
import type { TapName } from "../../../protocol/messages"
import { wrapFunction } from "./function-wrap"
import { collectEphemeralData, estimateSize } from "./loro-values"
import { isObject, messageType, read, type SynchronizerLike } from "./repo-shape"
import type { RepoSink, TapBoard, Teardown } from "./tap-board"

export function installSendTap(
  sync: SynchronizerLike,
  board: TapBoard,
  sink: RepoSink,
  tap: Extract<TapName, "adapters-send" | "establishment-send">,
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
      sink.event("channel-out", tape => {
        tape.val(toChannelIds)
        tape.str(messageType(message))
        // Sized while written; the full serializer's rare values are sized apart.
        // With references: the command that queued it carried the same message.
        const size = tape.val(message, { fullBytes: collectEphemeralData(message), references: true })
        tape.num(size ?? estimateSize(message))
        tape.bool(establishment)
      })
    })
  }

  const wrapped = wrapFunction(adapters, method, original =>
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
