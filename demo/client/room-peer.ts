import { Repo } from "@loro-extended/repo"
import { openRoom, type RoomHandle, type RoomNamespace } from "../shared/room"
import type { CursorPeer } from "./cursor-peer"
import { type ConnectionStatus, type SocketConstructor, WsClientAdapter } from "./ws-client-adapter"

/** One participant in the room: its own repo, socket and peer id. */
export interface RoomPeer extends CursorPeer {
  repo: Repo
  name: string
  color: string
  peerId: string
  handle: RoomHandle
  /** Resolves once the first sync with the hub completed (the channel is established). */
  synced: Promise<void>
  /**
   * Writes the cursor once per point, all within one millisecond (the same
   * writer's timestamp): what a fast input handler can do, and what
   * last-writer-wins cannot order. Returns that millisecond, or undefined
   * when the clock ticked in between (nothing is then promised; try again).
   */
  burstCursor(points: ReadonlyArray<{ x: number; y: number }>): number | undefined
  /** The namespace's raw `getAllStates()`, keyed by peerId. */
  getStates(namespace: RoomNamespace): Record<string, unknown>
  onStatus(listener: (status: ConnectionStatus) => void): void
}

export interface RoomPeerOptions {
  hubUrl: string
  room: string
  name: string
  color: string
  type: "user" | "bot"
  /** Runs right after the repo exists and before it joins the room, so a devtools sees everything. */
  beforeJoin?: (repo: Repo) => void
  /** The browser's by default; Node passes the `ws` package's (tests). */
  WebSocket?: SocketConstructor
}

export function createRoomPeer({ hubUrl, room, name, color, type, beforeJoin, WebSocket }: RoomPeerOptions): RoomPeer {
  const statusListeners: Array<(status: ConnectionStatus) => void> = []
  const adapter = new WsClientAdapter({
    url: hubUrl,
    ...(WebSocket ? { WebSocket } : {}),
    onStatus: status => {
      for (const listener of statusListeners) listener(status)
    },
  })
  const repo = new Repo({ identity: { name, type }, adapters: [adapter] })
  beforeJoin?.(repo)

  const handle = openRoom(repo, room)
  handle.presence.setSelf({ name, color })
  handle.typing.setSelf({ typing: false })

  return {
    repo,
    name,
    color,
    peerId: repo.identity.peerId,
    handle,
    // No timeout: the adapter keeps reconnecting, and callers bring their own deadline.
    synced: handle.waitForSync({ timeout: 0 }).then(() => undefined),
    setCursor: (x, y) => handle.cursor.setSelf({ x: Math.round(x), y: Math.round(y) }),
    burstCursor: points => {
      // Start on a fresh millisecond, so the writes fit in what is left of it.
      const edge = Date.now()
      while (Date.now() === edge) {
        // spin: at most one millisecond
      }
      const ms = Date.now()
      for (const { x, y } of points) handle.cursor.setSelf({ x: Math.round(x), y: Math.round(y) })
      return Date.now() === ms ? ms : undefined
    },
    setTyping: on => handle.typing.setSelf({ typing: on }),
    getStates: namespace => handle.getEphemeral(namespace)?.getAllStates() ?? {},
    onStatus: listener => {
      statusListeners.push(listener)
    },
  }
}
