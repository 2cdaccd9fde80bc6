/**
 * `synchronizer.emitter` is an Emittery: `onAny` sees `ready-state-changed`
 * and `ephemeral-change`. Its listeners run asynchronously, so these events
 * arrive after the synchronizer work that emitted them.
 *
 * Attached only while a panel listens: an `onAny` listener makes every emit
 * schedule asynchronous calls, a cost an idle hook must not put on the app.
 */
import { serializeRepoValue } from "./loro-values"
import { read, type SynchronizerLike } from "./repo-shape"
import type { RepoSink, TapBoard, Teardown } from "./tap-board"

const TAP = "emitter"

export function installEmitterTap(sync: SynchronizerLike, board: TapBoard, sink: RepoSink): Teardown | string {
  const emitter = read(sync, "emitter")
  const onAny = read(emitter, "onAny")
  if (typeof onAny !== "function") return "synchronizer.emitter.onAny is missing"

  let active = true
  // Never throws: an exception here would reject the app's emit() promise.
  const listener = (name: unknown, data: unknown) => {
    if (!active) return
    try {
      board.counts[TAP]++
      if (!sink.listening) return
      board.guard(TAP, () => {
        const eventName = typeof name === "symbol" ? (name.description ?? "symbol") : String(name)
        sink.event(base => ({ ...base, kind: "emitter", name: eventName, data: serializeRepoValue(data) }))
      })
    } catch (error) {
      board.fail(TAP, error)
    }
  }

  let detach: (() => void) | undefined
  const attach = () => {
    const unsubscribe: unknown = onAny.call(emitter, listener)
    detach = () => {
      detach = undefined
      if (typeof unsubscribe === "function") {
        unsubscribe()
        return
      }
      const offAny = read(emitter, "offAny")
      if (typeof offAny === "function") offAny.call(emitter, listener)
    }
  }
  const follow = (listening: boolean) => board.guard(TAP, () => (listening ? detach ?? attach() : detach?.()))
  if (sink.listening) attach()
  const stopFollowing = sink.onListeningChange(follow)
  return () => {
    active = false
    stopFollowing()
    detach?.()
  }
}
