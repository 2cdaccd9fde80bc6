import { type AutomergeUrl, type DocHandle, Presence, Repo } from "@automerge/automerge-repo/slim"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import type { CursorPeer } from "../../client/cursor-peer"
import type { ConnectionStatus } from "../../client/ws-client-adapter"
import type { PeerPresence, RoomDoc } from "../shared/room"

/** One participant: its own Repo, WebSocket to the sync server, and Presence on the room's document. */
export interface PresencePeer extends CursorPeer {
  repo: Repo
  name: string
  color: string
  peerId: string
  /** Resolves with the room's handle and Presence once the document arrived from the server. */
  joined: Promise<{ handle: DocHandle<RoomDoc>; presence: Presence<PeerPresence, RoomDoc> }>
  onStatus(listener: (status: ConnectionStatus) => void): void
}

export interface PresencePeerOptions {
  syncUrl: string
  /** The room document's automerge URL, as the server answered it. */
  docUrl: AutomergeUrl
  name: string
  color: string
  /** This browser's id, shared by the page's peers: Presence carries no device of its own. */
  deviceId: string
  /** How often Presence sends a heartbeat when nothing changes (the library's default is 15 s). */
  heartbeatMs?: number
  /** Runs right after the repo exists and before it joins, so a devtools sees everything. */
  beforeJoin?: (repo: Repo) => void
  /** Runs once the Presence exists and before it starts, so a devtools sees its first snapshot. */
  beforeStart?: (presence: Presence<PeerPresence, RoomDoc>) => void
}

export function createPresencePeer(options: PresencePeerOptions): PresencePeer {
  const { syncUrl, docUrl, name, color, deviceId, beforeJoin, beforeStart } = options
  const statusListeners: Array<(status: ConnectionStatus) => void> = []
  const report = (status: ConnectionStatus) => {
    for (const listener of statusListeners) listener(status)
  }
  const repo = new Repo({ network: [new WebSocketClientAdapter(syncUrl)] })
  // The adapter keeps reconnecting by itself; the repo says when the server is a peer.
  repo.networkSubsystem.on("peer", () => report("open"))
  repo.networkSubsystem.on("peer-disconnected", () => report("closed"))
  beforeJoin?.(repo)

  let presence: Presence<PeerPresence, RoomDoc> | undefined
  // Before the document arrives, a move is remembered and sent with the initial state.
  const pending: PeerPresence = {
    user: { name, color, userId: name, deviceId },
    cursor: null,
    typing: false,
  }
  const update = <C extends keyof PeerPresence & string>(channel: C, value: PeerPresence[C]) => {
    if (presence) presence.broadcast(channel, value)
    else pending[channel] = value
  }

  const joined = repo.find<RoomDoc>(docUrl).then(handle => {
    const started = new Presence<PeerPresence, RoomDoc>({ handle })
    beforeStart?.(started)
    started.start({ initialState: { ...pending }, ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}) })
    presence = started
    // A closing tab says goodbye, so the others forget it now rather than after the TTL.
    addEventListener("pagehide", () => started.stop())
    return { handle, presence: started }
  })

  return {
    repo,
    name,
    color,
    peerId: repo.peerId,
    joined,
    setCursor: (x, y) => update("cursor", { x: Math.round(x), y: Math.round(y) }),
    setTyping: on => update("typing", on),
    onStatus: listener => {
      statusListeners.push(listener)
    },
  }
}
