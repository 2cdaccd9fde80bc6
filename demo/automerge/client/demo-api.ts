import type { Presence, Repo } from "@automerge/automerge-repo/slim"
import type { PeerPresence, RoomDoc } from "../shared/room"

/**
 * `window.demo` on the automerge page: the same shape as the loro-extended
 * page's where the concepts match (peers, ready, getStates), so tests read
 * both pages alike. `import type` it from e2e tests.
 */
export interface AutomergeDemoApi {
  /** Resolves once every peer has the room's document and a running Presence. Never rejects. */
  ready: Promise<void>
  /** The page's peers; the first is the user, the others are the `?peers=N` extras. */
  peers: AutomergeDemoPeerApi[]
  addNote(text: string): void
  /** The notes as the first peer sees them. */
  notes(): string[]
  /** The room document's id (the panel's room), once ready. */
  docId: string
  /** The room document's automerge URL. */
  docUrl: string
}

export interface AutomergeDemoPeerApi {
  repo: Repo
  name: string
  peerId: string
  /** Set once the peer joined. */
  presence: Presence<PeerPresence, RoomDoc> | undefined
  setCursor(x: number, y: number): void
  setTyping(on: boolean): void
  /** One Presence channel as peerId -> value: every peer's state as this peer's Presence holds it, its own included. */
  getStates(channel: string): Record<string, unknown>
}

export function installDemoApi(api: AutomergeDemoApi): void {
  ;(globalThis as { demo?: AutomergeDemoApi }).demo = api
}

/** `getStates` for a Presence: the peers' states, and the local state under `selfId`. */
export function channelStates(
  presence: Presence<PeerPresence, RoomDoc> | undefined,
  selfId: string,
  channel: string,
): Record<string, unknown> {
  if (!presence) return {}
  const out: Record<string, unknown> = {}
  for (const [peerId, state] of Object.entries(presence.getPeerStates().value)) {
    if (channel in state.value) out[peerId] = state.value[channel]
  }
  const local = presence.getLocalState()
  if (channel in local) out[selfId] = local[channel]
  return out
}
