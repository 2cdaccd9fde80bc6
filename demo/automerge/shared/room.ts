/**
 * What the automerge demo's page and its sync server agree on. A room's
 * document is created by the server the first time the room is asked for;
 * the page asks `GET /rooms/<room>` for its automerge URL and finds it.
 */

/** Where the page asks for a room's document. */
export const ROOMS_PATH = "/rooms/"

/** The WebSocket path of the sync server (automerge-repo's NodeWSServerAdapter). */
export const SYNC_SOCKET_PATH = "/sync"

export interface RoomAnswer {
  room: string
  /** The room document's automerge URL (`automerge:…`). */
  url: string
}

/** The document every room starts with. */
export interface RoomDoc {
  notes: string[]
}

/**
 * Each peer's Presence state, one channel per key: who it is (the user and
 * the device, which Presence itself does not carry in 2.x), where its cursor
 * is in page coordinates, whether it types.
 */
export interface PeerPresence {
  [channel: string]: unknown
  user: { name: string; color: string; userId: string; deviceId: string }
  cursor: { x: number; y: number } | null
  typing: boolean
}

export const ROOM_NAME = /^[\w-]{1,64}$/
