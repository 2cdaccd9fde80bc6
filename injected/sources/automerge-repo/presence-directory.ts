/**
 * Presence instances, for the whole hook. A Presence cannot be reached from
 * its repo (it listens to its handle through a closure), so the app
 * registers it with the same one line as its repo, or discovery finds it on
 * `window`. Its document is learned the first time it talks: its `send`
 * runs `handle.broadcast`, and the messages it receives arrive inside its
 * handle's `emit("ephemeral-message")`; the handle taps of registered repos
 * see both (handle-tap.ts) and bind the presence to that repo and document.
 *
 * Its methods are wrapped on the instance: `send` (to be recognised),
 * `emit` (update, snapshot, heartbeat, goodbye, pruning: the peers' state
 * after each), `broadcast` and `start` (its own state). Until bound they
 * only pass through.
 */
import { type WrappedFunction, wrapFunction } from "../shared/function-wrap"
import type { HandleLike, PresenceLike } from "./repo-shape"

/** The repo side of a bound presence (presence-reporter.ts). */
export interface PresenceHost {
  /** The presence runs on `handle`, one of this host's repo's handles. */
  adopt(presence: PresenceLike, handle: HandleLike): void
  /** A Presence event, after the presence updated its state. */
  presenceEvent(presence: PresenceLike, name: string, payload: unknown): void
  /** The presence's own state changed (broadcast; or start, which also forgets every peer it knew). */
  localChanged(presence: PresenceLike, restarted: boolean): void
}

const EVENTS = new Set(["update", "snapshot", "heartbeat", "goodbye", "pruning"])

interface Registered {
  host?: PresenceHost
  readonly wraps: WrappedFunction[]
}

export class PresenceDirectory {
  readonly #registered = new Map<PresenceLike, Registered>()
  /** The presence whose `send` is running (its broadcast is on its way to its handle). */
  #sending: PresenceLike | undefined
  /** The handle whose ephemeral message is being delivered, and the host it belongs to. */
  #delivering: { handle: HandleLike; host: PresenceHost } | undefined

  /** Starts following a presence; returns the function that stops it. Registering twice is one registration. */
  register(presence: PresenceLike): () => void {
    if (!this.#registered.has(presence)) this.#registered.set(presence, { wraps: this.#instrument(presence) })
    return () => this.#unregister(presence)
  }

  has(presence: unknown): boolean {
    return this.#registered.has(presence as PresenceLike)
  }

  /** Called by a handle tap from inside `handle.broadcast`: a presence sending now runs on that handle. */
  broadcasting(handle: HandleLike, host: PresenceHost): void {
    const presence = this.#sending
    if (presence) this.#bind(presence, handle, host)
  }

  /** Called by a handle tap around the delivery of an ephemeral message to its listeners. */
  delivering<T>(handle: HandleLike, host: PresenceHost, deliver: () => T): T {
    const outer = this.#delivering
    this.#delivering = { handle, host }
    try {
      return deliver()
    } finally {
      this.#delivering = outer
    }
  }

  /** A repo went away: its presences wait to be bound again (by another repo's handle, or never). */
  release(host: PresenceHost): void {
    for (const registered of this.#registered.values()) if (registered.host === host) registered.host = undefined
  }

  dispose(): void {
    for (const presence of [...this.#registered.keys()]) this.#unregister(presence)
  }

  #bind(presence: PresenceLike, handle: HandleLike, host: PresenceHost): void {
    const registered = this.#registered.get(presence)
    if (!registered || registered.host) return
    registered.host = host
    host.adopt(presence, handle)
  }

  #unregister(presence: PresenceLike): void {
    const registered = this.#registered.get(presence)
    if (!registered) return
    this.#registered.delete(presence)
    for (const wrap of registered.wraps) wrap.restore()
  }

  #instrument(presence: PresenceLike): WrappedFunction[] {
    const directory = this
    const wraps: WrappedFunction[] = []
    const hostOf = () => directory.#registered.get(presence)?.host
    const send = wrapFunction(
      presence,
      "send",
      original =>
        function tappedPresenceSend(this: unknown, ...args: unknown[]) {
          const outer = directory.#sending
          directory.#sending = presence
          try {
            return original.apply(this, args)
          } finally {
            directory.#sending = outer
          }
        },
    )
    if (typeof send !== "string") wraps.push(send)
    const emit = wrapFunction(
      presence,
      "emit",
      original =>
        function tappedPresenceEmit(this: unknown, ...args: unknown[]) {
          const name = args[0]
          if (typeof name === "string" && EVENTS.has(name)) {
            const delivering = directory.#delivering
            if (delivering && !hostOf()) directory.#bind(presence, delivering.handle, delivering.host)
            hostOf()?.presenceEvent(presence, name, args[1])
          }
          return original.apply(this, args)
        },
    )
    if (typeof emit !== "string") wraps.push(emit)
    for (const method of ["broadcast", "start"]) {
      const wrapped = wrapFunction(
        presence,
        method,
        original =>
          function tappedPresenceLocal(this: unknown, ...args: unknown[]) {
            const result = original.apply(this, args)
            hostOf()?.localChanged(presence, method === "start")
            return result
          },
      )
      if (typeof wrapped !== "string") wraps.push(wrapped)
    }
    return wraps
  }
}
