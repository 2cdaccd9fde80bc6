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

/** The ephemeral part: one entry per peer (keyed by peerId) in each namespace. */
export const RoomEphemeralShapes = {
  presence: Shape.plain.struct({ name: Shape.plain.string(), color: Shape.plain.string() }),
  /** Page coordinates (CSS pixels from the document's top-left corner). */
  cursor: Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() }),
  typing: Shape.plain.struct({ typing: Shape.plain.boolean() }),
}

export type RoomNamespace = keyof typeof RoomEphemeralShapes

export const ROOM_NAMESPACES = Object.keys(RoomEphemeralShapes) as RoomNamespace[]

export type RoomHandle = HandleWithEphemerals<typeof RoomDocShape, typeof RoomEphemeralShapes>

export function openRoom(repo: Repo, room: string): RoomHandle {
  return repo.get(docIdForRoom(room), RoomDocShape, RoomEphemeralShapes)
}
