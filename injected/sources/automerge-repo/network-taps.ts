/**
 * Every message in and out of the repo's network, per adapter.
 *
 * In: a listener on each adapter's `message`, added after the network
 * subsystem's own (which the repo registers when it adds the adapter), so it
 * runs once the subsystem has decided. The subsystem drops an ephemeral
 * message whose sender and session it has seen with an equal or higher
 * count (gossip arriving twice), and anything that is not a repo message;
 * it passes on the rest with its own `emit("message")`, which is wrapped
 * here to learn the verdict of each message.
 *
 * Out: each adapter's `send`, wrapped on the instance: messages as they
 * leave, with the count, session and sender the subsystem stamped on them,
 * and the adapter's own protocol messages (a WebSocket's join).
 */
import { withOptions } from "../../../codec/event-tape/event-writer"
import type { AutomergeRepoTapName } from "../../../protocol/messages"
import { type WrappedFunction, wrapFunction } from "../shared/function-wrap"
import { messageType, read } from "../shared/read"
import type { RepoSink, TapBoard, Teardown } from "../shared/tap-board"
import type { AdapterDirectory, AdapterWatcher } from "./adapters"
import { estimateMessageSize, messageValueOptions } from "./messages"
import type { AdapterLike, NetworkSubsystemLike } from "./repo-shape"

type Board = TapBoard<AutomergeRepoTapName>

/** Adapter handshakes (WebSocket): the establishment of loro-extended's vocabulary. */
const HANDSHAKES = new Set(["join", "leave", "peer"])

export interface NetworkActivity {
  /** A message that changes sync state went in or out: the model may have moved. */
  syncTraffic(cause: string): void
}

export function installNetworkIn(
  network: NetworkSubsystemLike,
  directory: AdapterDirectory,
  board: Board,
  sink: RepoSink,
  activity: NetworkActivity,
): Teardown | string {
  const TAP = "network-in"
  let active = true
  /** The last message the subsystem passed on. */
  let accepted: unknown
  const emitted = wrapFunction(
    network,
    "emit",
    original =>
      function tappedNetworkEmit(this: unknown, ...args: unknown[]) {
        if (args[0] === "message") accepted = args[1]
        return original.apply(this, args)
      },
  )
  if (typeof emitted === "string") return `networkSubsystem.${emitted}`

  const observe = (adapter: AdapterLike, message: unknown) => {
    const passed = accepted === message
    accepted = undefined
    board.counts[TAP]++
    const type = messageType(message)
    if (type !== "ephemeral") activity.syncTraffic(type)
    if (!sink.listening) return
    board.guard(TAP, () => {
      const senderId = read(message, "senderId")
      const connection = directory.channelOf(adapter, senderId)
      const discarded = passed ? undefined : discardReason(message, type)
      sink.event("channel-in", {
        channelId: connection?.channelId ?? 0,
        peerId: connection?.peerId,
        msgType: type,
        message: withOptions(message, messageValueOptions(message)),
        size: estimateMessageSize,
        ...(discarded === undefined ? {} : { discarded }),
      })
    })
  }

  const listeners = new Map<AdapterLike, (message: unknown) => void>()
  const watcher: AdapterWatcher = {
    adapterAdded(adapter) {
      if (!active || listeners.has(adapter)) return
      const listener = (message: unknown) => {
        if (!active) return
        try {
          observe(adapter, message)
        } catch (error) {
          board.fail(TAP, error)
        }
      }
      listeners.set(adapter, listener)
      adapter.on("message", listener)
    },
    adapterRemoved(adapter) {
      const listener = listeners.get(adapter)
      if (!listener) return
      listeners.delete(adapter)
      adapter.off("message", listener)
    },
  }
  const stopWatching = directory.watch(watcher)
  return () => {
    active = false
    stopWatching()
    emitted.restore()
  }
}

/** Why the subsystem dropped a message it did not pass on. */
function discardReason(message: unknown, type: string): string {
  if (type === "ephemeral") {
    return `duplicate: count ${String(read(message, "count"))} of session ${String(read(message, "sessionId"))} from ${String(read(message, "senderId"))} was already seen`
  }
  return "not a repo message"
}

export function installNetworkOut(directory: AdapterDirectory, board: Board, sink: RepoSink, activity: NetworkActivity): Teardown {
  const TAP = "network-out"
  let active = true
  const observe = (adapter: AdapterLike, message: unknown) => {
    board.counts[TAP]++
    const type = messageType(message)
    if (type !== "ephemeral") activity.syncTraffic(type)
    if (!sink.listening) return
    board.guard(TAP, () => {
      const connection = directory.channelOf(adapter, read(message, "targetId"))
      sink.event("channel-out", {
        toChannelIds: connection ? [connection.channelId] : [],
        msgType: type,
        message: withOptions(message, messageValueOptions(message)),
        size: estimateMessageSize,
        establishment: HANDSHAKES.has(type),
      })
    })
  }
  const wrapped = new Map<AdapterLike, WrappedFunction>()
  const watcher: AdapterWatcher = {
    adapterAdded(adapter) {
      if (!active || wrapped.has(adapter)) return
      // While installing, a failure fails the install; later, it turns the tap off.
      if (installing) return wrapSend(adapter)
      try {
        wrapSend(adapter)
      } catch (error) {
        board.fail(TAP, error)
      }
    },
    adapterRemoved(adapter) {
      wrapped.get(adapter)?.restore()
      wrapped.delete(adapter)
    },
  }
  const wrapSend = (adapter: AdapterLike) => {
    const wrap = wrapFunction(
      adapter,
      "send",
      original =>
        function tappedAdapterSend(this: unknown, ...args: unknown[]) {
          if (active) {
            try {
              observe(adapter, args[0])
            } catch (error) {
              board.fail(TAP, error)
            }
          }
          return original.apply(this, args)
        },
    )
    if (typeof wrap === "string") throw new Error(`adapter.${wrap}`)
    wrapped.set(adapter, wrap)
  }
  let installing = true
  const stopWatching = directory.watch(watcher)
  installing = false
  return () => {
    active = false
    stopWatching()
  }
}
