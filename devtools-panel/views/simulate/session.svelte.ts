/**
 * Everything the Simulate view remembers, one per panel store, so switching
 * to another tab and back keeps the form, the target and the last answer.
 * It also notices a page that reloads or navigates while peers are
 * simulated: the hook removed them as the page started to leave, and the
 * user should be told rather than find the list silently empty. The hook
 * says so when it can (a `pageLeft` state); otherwise the new page's hook
 * instance tells.
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
    let peers = 0
    let pageLeft = false
    for (const repo of state.repos.values()) {
      if (repo.gone) continue
      peers += repo.simulation?.peers.length ?? 0
      pageLeft ||= repo.simulation?.pageLeft === true
    }
    const reloaded = this.#instance !== undefined && instance !== this.#instance
    if ((reloaded || pageLeft) && this.#peers > 0 && peers === 0) {
      this.reloadNotice = `The page ${reloaded ? "reloaded" : "started to leave (reload or navigation)"}: its ${this.#peers} simulated peer${this.#peers === 1 ? " was" : "s were"} removed with it. Add them again below.`
      this.requests.clear()
    }
    this.#instance = instance
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
