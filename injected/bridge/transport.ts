/**
 * What the bridge needs from the page: post an envelope, hear window
 * messages, and know which source is "this window". The IIFE passes the real
 * window; tests pass an in-memory stand-in and capture batches without jsdom.
 */
import type { PageEnvelope } from "../../protocol/messages"

/** The parts of a MessageEvent the bridge reads. */
export interface WindowMessage {
  data: unknown
  source: unknown
}

export interface HookTransport {
  /** Relay messages are accepted only when `event.source` is this object. */
  readonly self: unknown
  post(envelope: PageEnvelope): void
  listen(listener: (event: WindowMessage) => void): () => void
}

/** The page's own window; posts to its own origin when it has one. */
export function windowTransport(win: Window): HookTransport {
  // Opaque origins (file://, sandboxed frames, data: URLs) report "null" and
  // cannot be targeted by name; "*" still only reaches this same window.
  const origin = win.location.origin
  const targetOrigin = origin && origin !== "null" ? origin : "*"
  return {
    self: win,
    post: envelope => win.postMessage(envelope, targetOrigin),
    listen: listener => {
      const onMessage = (event: MessageEvent) => listener(event)
      win.addEventListener("message", onMessage)
      return () => win.removeEventListener("message", onMessage)
    },
  }
}
