/**
 * `synchronizer.emitter` is an Emittery: the repo emits `ready-state-changed`
 * and `ephemeral-change` on it. We wrap its `emit` (and `emitSerial`) rather
 * than listen with `onAny`: an any-listener makes every emit schedule
 * asynchronous calls, and a wrapper sees each event where it is emitted, in
 * order with the synchronizer work that caused it.
 *
 * Wrapped only while a panel listens; the wrappers are own properties of the
 * instance, deleted again when the panel goes.
 */
import type { LoroExtendedTapName } from "../../../protocol/messages"
import { wrapFunction, type WrappedFunction } from "../shared/function-wrap"
import { isObject, read, type SynchronizerLike } from "./repo-shape"
import type { RepoSink, TapBoard, Teardown } from "../shared/tap-board"

const TAP = "emitter"
const EMIT_METHODS = ["emit", "emitSerial"] as const

export function installEmitterTap(sync: SynchronizerLike, board: TapBoard<LoroExtendedTapName>, sink: RepoSink): Teardown | string {
  const emitter = read(sync, "emitter")
  if (!isObject(emitter) || typeof emitter.emit !== "function") return "synchronizer.emitter.emit is missing"

  let active = true
  const observe = (name: unknown, data: unknown) => {
    board.counts[TAP]++
    if (!sink.listening) return
    board.guard(TAP, () => {
      const eventName = typeof name === "symbol" ? (name.description ?? "symbol") : String(name)
      sink.event("emitter", { name: eventName, data })
    })
  }

  let wrapped: WrappedFunction[] = []
  const attach = () => {
    for (const method of EMIT_METHODS) {
      if (typeof emitter[method] !== "function") continue
      const handle = wrapFunction(
        emitter,
        method,
        original =>
          function tappedEmit(this: unknown, ...args: unknown[]) {
            if (active) {
              try {
                observe(args[0], args[1])
              } catch (error) {
                board.fail(TAP, error)
              }
            }
            return original.apply(this, args)
          },
      )
      if (typeof handle === "string") throw new Error(`synchronizer.emitter.${handle}`)
      wrapped.push(handle)
    }
  }
  const detach = () => {
    for (const handle of wrapped) handle.restore()
    wrapped = []
  }
  const follow = (listening: boolean) => board.guard(TAP, () => (listening ? wrapped.length === 0 && attach() : detach()))
  if (sink.listening) attach()
  const stopFollowing = sink.onListeningChange(follow)
  return () => {
    active = false
    stopFollowing()
    detach()
  }
}
