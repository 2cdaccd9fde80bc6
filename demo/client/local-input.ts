import type { CursorPeer } from "./cursor-peer"
import { throttle } from "./throttle"

const CURSOR_INTERVAL_MS = 33 // about 30 updates a second
const TYPING_IDLE_MS = 1500

/** The user's pointer drives the peer's cursor, in page coordinates. */
export function followPointer(peer: CursorPeer): void {
  const sendCursor = throttle((x: number, y: number) => peer.setCursor(x, y), CURSOR_INTERVAL_MS)
  document.addEventListener("pointermove", event => sendCursor(event.pageX, event.pageY), { passive: true })
}

/**
 * `typing` is on while keys land in `input` and goes off after a quiet spell.
 * Returns a function that ends typing at once (e.g. when the note is sent).
 */
export function trackTyping(peer: CursorPeer, input: HTMLInputElement): () => void {
  let typing = false
  let idleTimer: ReturnType<typeof setTimeout> | undefined

  const stop = () => {
    clearTimeout(idleTimer)
    if (!typing) return
    typing = false
    peer.setTyping(false)
  }

  input.addEventListener("input", () => {
    if (!typing) {
      typing = true
      peer.setTyping(true)
    }
    clearTimeout(idleTimer)
    idleTimer = setTimeout(stop, TYPING_IDLE_MS)
  })
  input.addEventListener("blur", stop)
  return stop
}
