/**
 * Presence's rule for newcomers, kept by simulated peers: a Presence that
 * hears a peer for the first time announces itself (a snapshot), so a tab
 * opened after a peer arrived learns its state at once instead of waiting
 * for its next change. The simulation listens where a Presence listens: the
 * document handle's `ephemeral-message` events, already decoded by the repo.
 */
const MARKER = "__presence"

interface HandleEvents {
  on(event: string, listener: (payload: unknown) => void): unknown
  off(event: string, listener: (payload: unknown) => void): unknown
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

function isHandleEvents(value: unknown): value is HandleEvents {
  return isObject(value) && typeof value.on === "function" && typeof value.off === "function"
}

/**
 * Calls `onNewcomer` for each peer first heard on the handle (again after its
 * goodbye); `isSimulated` peers are ours and never count. Returns the stop.
 */
export function watchNewcomers(handle: unknown, isSimulated: (peerId: string) => boolean, onNewcomer: () => void): () => void {
  if (!isHandleEvents(handle)) return () => {}
  const heard = new Set<string>()
  const listener = (payload: unknown) => {
    if (!isObject(payload) || typeof payload.senderId !== "string" || isSimulated(payload.senderId)) return
    const envelope = payload.message
    const presence = isObject(envelope) ? envelope[MARKER] : undefined
    if (!isObject(presence)) return
    if (presence.type === "goodbye") {
      heard.delete(payload.senderId)
      return
    }
    if (heard.has(payload.senderId)) return
    heard.add(payload.senderId)
    onNewcomer()
  }
  handle.on("ephemeral-message", listener)
  return () => handle.off("ephemeral-message", listener)
}
