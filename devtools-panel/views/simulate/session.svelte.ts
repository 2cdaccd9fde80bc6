/**
 * Everything the Simulate view remembers, one per panel store, so switching
 * to another tab and back keeps the form, the target and the last answer.
 * It also notices a page that reloads while peers are simulated: the hook
 * removed them on pagehide, and the user should be told rather than find
 * the list silently empty.
 */
import type { PanelState, RepoState, RoomState } from "../../state/panel-state"
import type { PanelStore } from "../../ui/panel-store.svelte"
import { PeerForm } from "./peer-form.svelte"
import { SimulationRequests } from "./simulation-requests.svelte"

export class SimulateSession {
  /** The target the user picked; undefined follows the live view's selection. */
  repoId: string | undefined = $state()
  docId: string | undefined = $state()
  readonly form = new PeerForm()
  readonly requests: SimulationRequests
  /** Set when the page reloaded with simulated peers in it. */
  reloadNotice: string | undefined = $state()

  #instance: string | undefined
  #peers = 0

  constructor(store: PanelStore) {
    this.requests = new SimulationRequests(store)
  }

  /** Fed every state: remembers the hook instance and how many peers it simulated. */
  observe(state: PanelState): void {
    const instance = state.hook?.instance
    if (instance === undefined) return
    if (this.#instance !== undefined && instance !== this.#instance && this.#peers > 0) {
      this.reloadNotice = `The page reloaded: its ${this.#peers} simulated peer${this.#peers === 1 ? " was" : "s were"} removed with it. Add them again below.`
      this.requests.clear()
    }
    this.#instance = instance
    let peers = 0
    for (const repo of state.repos.values()) if (!repo.gone) peers += repo.simulation?.peers.length ?? 0
    this.#peers = peers
  }

  repo(state: PanelState, fallback: RepoState | undefined): RepoState | undefined {
    return (this.repoId !== undefined ? state.repos.get(this.repoId) : undefined) ?? fallback
  }

  room(repo: RepoState | undefined, fallback: RoomState | undefined): RoomState | undefined {
    if (!repo) return undefined
    const picked = this.docId !== undefined ? repo.rooms.get(this.docId) : undefined
    return picked ?? (fallback && repo.rooms.get(fallback.docId) === fallback ? fallback : repo.rooms.values().next().value)
  }
}

const sessions = new WeakMap<PanelStore, SimulateSession>()

/**
 * The session of a panel store, created when the view first opens. From then
 * on it watches every state, on any tab: a reload while the user looks at
 * the live view must still be reported when they come back.
 */
export function simulateSession(store: PanelStore): SimulateSession {
  let session = sessions.get(store)
  if (!session) {
    const created = new SimulateSession(store)
    $effect.root(() => {
      $effect(() => created.observe(store.state))
    })
    sessions.set(store, created)
    session = created
  }
  return session
}
