import { Shape } from "@loro-extended/change"
import type { HandleWithEphemerals, Repo } from "@loro-extended/repo"

/**
 * What a demo room is made of. Client and tests share it so both sides agree
 * on namespaces and shapes.
 *
 * A room named `lobby` lives in the document `room:lobby`.
 */
export function docIdForRoom(room: string): string {
  return `room:${room}`
}

/** The persistent part: notes everyone in the room can add to. */
export const RoomDocShape = Shape.doc({
  notes: Shape.list(Shape.plain.string()),
})

/** What a person (or a bot) in the room publishes as its presence. */
export const ClientPresenceShape = Shape.plain.struct({ name: Shape.plain.string(), color: Shape.plain.string() })

/**
 * What the hub publishes as its own presence in every room, as real apps'
 * servers do (a game server publishing the game state): another shape than
 * the clients', told apart by `type`.
 */
export const ServerPresenceShape = Shape.plain.struct({
  type: Shape.plain.string("server"),
  name: Shape.plain.string(),
  /** Peers in the room with a client presence, as the hub counts them. */
  clients: Shape.plain.number(),
  /** Notes in the room's document. */
  notes: Shape.plain.number(),
})

export type ClientPresence = typeof ClientPresenceShape._plain
export type ServerPresence = typeof ServerPresenceShape._plain

/** Whether a presence value is the hub's (clients publish no `type`). */
export function isServerPresence(value: unknown): value is ServerPresence {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "server"
}

/** The ephemeral part: one entry per peer (keyed by peerId) in each namespace. */
export const RoomEphemeralShapes = {
  presence: Shape.plain.union([ClientPresenceShape, ServerPresenceShape]),
  /** Page coordinates (CSS pixels from the document's top-left corner). */
  cursor: Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() }),
  typing: Shape.plain.struct({ typing: Shape.plain.boolean() }),
}

export type RoomNamespace = keyof typeof RoomEphemeralShapes

export const ROOM_NAMESPACES = Object.keys(RoomEphemeralShapes) as RoomNamespace[]

export type RoomHandle = HandleWithEphemerals<typeof RoomDocShape, typeof RoomEphemeralShapes>

export function openRoom(repo: Repo, room: string): RoomHandle {
  return openRoomDoc(repo, docIdForRoom(room))
}

/** The room whose document is `docId` (see docIdForRoom). */
export function openRoomDoc(repo: Repo, docId: string): RoomHandle {
  return repo.get(docId, RoomDocShape, RoomEphemeralShapes)
}
