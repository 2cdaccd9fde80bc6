import { Repo } from "@loro-extended/repo"
import { openRoom, type RoomHandle, type RoomNamespace } from "../shared/room"
import { type ConnectionStatus, WsClientAdapter } from "./ws-client-adapter"

/** One participant in the room: its own repo, socket and peer id. */
export interface RoomPeer {
  repo: Repo
  name: string
  color: string
  peerId: string
  handle: RoomHandle
  /** Resolves once the first sync with the hub completed (the channel is established). */
  synced: Promise<void>
  setCursor(x: number, y: number): void
  setTyping(on: boolean): void
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
}

export function createRoomPeer({ hubUrl, room, name, color, type, beforeJoin }: RoomPeerOptions): RoomPeer {
  const statusListeners: Array<(status: ConnectionStatus) => void> = []
  const adapter = new WsClientAdapter({
    url: hubUrl,
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
    setTyping: on => handle.typing.setSelf({ typing: on }),
    getStates: namespace => handle.getEphemeral(namespace)?.getAllStates() ?? {},
    onStatus: listener => {
      statusListeners.push(listener)
    },
  }
}
