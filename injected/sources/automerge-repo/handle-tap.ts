/**
 * The "handles" tap: every DocHandle of the repo, now and later (the
 * collection synchronizer's `addDocument` is where the repo wires each new
 * handle up; wrapped on the instance). On each handle, `emit` and
 * `broadcast` are wrapped on the instance:
 *
 * - `emit("ephemeral-message", {senderId, message})` is the repo handing a
 *   received ephemeral message, decoded, to the handle's listeners (Presence
 *   among them): the presence directory learns which handle a presence
 *   listens on while it runs.
 * - `broadcast(message)` is the app (or a Presence, through its `send`)
 *   sending one.
 *
 * Messages without Presence's marker are an app's raw `broadcast`: the
 * panel's maps keep the last one per sender, in the namespace "broadcast".
 * Those with the marker are left to the Presence that reads them (bound
 * presences report their state themselves).
 */
import type { AutomergeRepoTapName, StoreSnapshot } from "../../../protocol/messages"
import { type WrappedFunction, wrapFunction } from "../shared/function-wrap"
import { isObject, read } from "../shared/read"
import type { RepoSink, TapBoard, Teardown } from "../shared/tap-board"
import type { PresenceDirectory, PresenceHost } from "./presence-directory"
import { type AutomergeRepoLike, currentHandles, type HandleLike, isHandle, PRESENCE_MARKER } from "./repo-shape"

/** The namespace of raw ephemeral messages in the panel's maps. */
export const BROADCAST_NAMESPACE = "broadcast"

const TAP = "handles"

export interface HandleTapDeps {
  found: AutomergeRepoLike
  board: TapBoard<AutomergeRepoTapName>
  sink: RepoSink
  directory: PresenceDirectory
  host: PresenceHost
  selfId: () => string
  /** A handle the repo did not have before: the model's documents changed. */
  documentAdded: () => void
}

export class HandleTap {
  readonly #deps: HandleTapDeps
  readonly #wrapped = new Map<HandleLike, WrappedFunction[]>()
  /** The last raw message per document and sender, with when it came. */
  readonly #last = new Map<string, Map<string, { message: unknown; at: number }>>()
  #active = true

  constructor(deps: HandleTapDeps) {
    this.#deps = deps
  }

  install(): Teardown | string {
    const { found } = this.#deps
    const tap = this
    const added = wrapFunction(
      found.synchronizer,
      "addDocument",
      original =>
        function tappedAddDocument(this: unknown, ...args: unknown[]) {
          const result = original.apply(this, args)
          if (tap.#active && isHandle(args[0]) && !tap.#wrapped.has(args[0])) {
            const handle = args[0]
            tap.#deps.board.guard(TAP, () => tap.#wrap(handle))
            tap.#deps.documentAdded()
          }
          return result
        },
    )
    if (typeof added === "string") return `synchronizer.${added}`
    try {
      for (const handle of currentHandles(found.repo)) this.#wrap(handle)
    } catch (error) {
      added.restore()
      this.#restoreAll()
      throw error
    }
    return () => {
      this.#active = false
      added.restore()
      this.#restoreAll()
    }
  }

  /** The last raw message of every sender, per document, for a registration snapshot. */
  snapshot(): StoreSnapshot[] {
    return [...this.#last].map(([docId, bySender]) => ({
      docId,
      namespace: BROADCAST_NAMESPACE,
      entries: [...bySender].map(([key, { message, at }]) => ({ key, value: message as never, deleted: false, timestamp: at })),
    }))
  }

  #wrap(handle: HandleLike): void {
    if (this.#wrapped.has(handle)) return
    const tap = this
    const { directory, host } = this.#deps
    const wraps: WrappedFunction[] = []
    const emit = wrapFunction(
      handle,
      "emit",
      original =>
        function tappedHandleEmit(this: unknown, ...args: unknown[]) {
          if (args[0] !== "ephemeral-message" || !tap.#active) return original.apply(this, args)
          tap.#observe(handle, read(args[1], "senderId"), read(args[1], "message"), "import")
          return directory.delivering(handle, host, () => original.apply(this, args))
        },
    )
    if (typeof emit === "string") throw new Error(`handle.${emit}`)
    wraps.push(emit)
    const broadcast = wrapFunction(
      handle,
      "broadcast",
      original =>
        function tappedHandleBroadcast(this: unknown, ...args: unknown[]) {
          if (tap.#active) {
            directory.broadcasting(handle, host)
            tap.#observe(handle, tap.#deps.selfId(), args[0], "local")
          }
          return original.apply(this, args)
        },
    )
    if (typeof broadcast === "string") {
      emit.restore()
      throw new Error(`handle.${broadcast}`)
    }
    wraps.push(broadcast)
    this.#wrapped.set(handle, wraps)
  }

  #observe(handle: HandleLike, senderId: unknown, message: unknown, by: "import" | "local"): void {
    const { board, sink } = this.#deps
    board.counts[TAP]++
    if (typeof senderId !== "string") return
    board.guard(TAP, () => {
      if (isObject(message) && PRESENCE_MARKER in message) return
      const docId = handle.documentId
      const at = Date.now()
      let bySender = this.#last.get(docId)
      if (!bySender) {
        bySender = new Map()
        this.#last.set(docId, bySender)
      }
      bySender.set(senderId, { message, at })
      if (!sink.listening) return
      sink.event("store", {
        docId,
        namespace: BROADCAST_NAMESPACE,
        by,
        entries: [{ key: senderId, value: message, deleted: false, timestamp: at }],
      })
    })
  }

  #restoreAll(): void {
    for (const wraps of this.#wrapped.values()) for (const wrap of wraps) wrap.restore()
    this.#wrapped.clear()
  }
}
