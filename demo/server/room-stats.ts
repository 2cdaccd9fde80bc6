import type { Repo } from "@loro-extended/repo"
import { isServerPresence, openRoomDoc, type RoomHandle, type ServerPresence } from "../shared/room"

/** Documents that are rooms (see docIdForRoom). */
const ROOM_PREFIX = "room:"

/**
 * The hub's own presence in every room it serves: `{type: "server", name,
 * clients, notes}`, rewritten whenever the count of clients or notes
 * changes. Real apps' servers publish such a presence of another shape than
 * their clients' (a game server publishes the game state), and a devtools
 * must not mistake it for a person. Returns the function that stops it.
 */
export function publishRoomStats(repo: Repo, name: string): () => void {
  const rooms = new Map<string, () => void>()
  const follow = (docId: string) => {
    if (!docId.startsWith(ROOM_PREFIX) || rooms.has(docId)) return
    rooms.set(docId, followRoom(openRoomDoc(repo, docId), name))
  }
  for (const docId of repo.synchronizer.model.documents.keys()) follow(docId)
  // A room's document appears at the hub when its first client asks for it.
  const unsubscribe = repo.synchronizer.emitter.on("ready-state-changed", ({ docId }) => follow(docId))
  return () => {
    unsubscribe()
    for (const stop of rooms.values()) stop()
    rooms.clear()
  }
}

function followRoom(handle: RoomHandle, name: string): () => void {
  let last: ServerPresence | undefined
  let queued = false
  // The store's listeners run inside the repo's own dispatch: write after it, once per burst.
  const schedule = () => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      if (!stopped) update()
    })
  }
  let stopped = false
  const update = () => {
    let clients = 0
    for (const [peerId, presence] of handle.presence.getAll()) if (peerId !== handle.peerId && !isServerPresence(presence)) clients++
    const next: ServerPresence = { type: "server", name, clients, notes: handle.doc.toJSON().notes.length }
    // Heartbeats re-stamp every key and fire the store's listeners: write only what changed.
    if (last && last.clients === next.clients && last.notes === next.notes) return
    last = next
    handle.presence.setSelf(next)
  }
  const stops = [handle.presence.raw.subscribe(schedule), handle.subscribe(schedule)]
  update()
  return () => {
    stopped = true
    for (const stop of stops) stop()
  }
}
