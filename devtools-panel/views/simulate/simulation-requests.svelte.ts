/**
 * simulate/* requests from the panel and what became of them. The hook
 * answers a refused request with simulate/error (matched by request id) and
 * an accepted one with a fresh simulate/state, so a request is settled once
 * its repo's simulation version moves past the one it was sent at.
 */
import type { SimulatePanelToHookMessage } from "../../../protocol/messages"
import type { PanelState, RepoState } from "../../state/panel-state"
import type { PanelStore } from "../../ui/panel-store.svelte"

/** A request the page has not answered in this long is reported as unanswered. */
export const ANSWER_TIMEOUT_MS = 5_000

export interface SentRequest {
  readonly requestId: string
  readonly repoId: string
  /** The repo's simulation version when it was sent. */
  readonly version: number
  readonly sentAt: number
  /** For messages: "add 3 peers", "remove ghost-2". */
  readonly what: string
}

let requestCounter = 0

export class SimulationRequests {
  last: SentRequest | undefined = $state()
  /** A request the panel refused to send (the repo is gone). */
  localError: string | undefined = $state()

  readonly #store: PanelStore

  constructor(store: PanelStore) {
    this.#store = store
  }

  send(repo: RepoState, what: string, build: (requestId: string) => SimulatePanelToHookMessage): void {
    if (repo.gone) {
      this.localError = `Cannot ${what}: ${repo.info.label} is gone (${repo.goneReason ?? "unregistered"}).`
      return
    }
    const requestId = `sim-${++requestCounter}-${Date.now().toString(36)}`
    this.localError = undefined
    this.last = { requestId, repoId: repo.info.repoId, version: repo.simulation?.version ?? 0, sentAt: Date.now(), what }
    this.#store.toPage(build(requestId))
  }

  /** The latest request's failure, in words for the user. */
  error(state: PanelState, now: number): string | undefined {
    if (this.localError !== undefined) return this.localError
    const last = this.last
    if (!last) return undefined
    const failure = state.simulationErrors.get(last.requestId)
    if (failure) return `Could not ${last.what}: ${failure.message}`
    if (this.pending(state) && now - last.sentAt > ANSWER_TIMEOUT_MS) {
      return `The page has not answered "${last.what}" for ${Math.round(ANSWER_TIMEOUT_MS / 1000)} s: it may be busy or reloading.`
    }
    return undefined
  }

  pending(state: PanelState): boolean {
    const last = this.last
    if (!last || state.simulationErrors.has(last.requestId)) return false
    const repo = state.repos.get(last.repoId)
    if (!repo || repo.gone) return false
    return (repo.simulation?.version ?? 0) === last.version
  }

  clear(): void {
    this.last = undefined
    this.localError = undefined
  }
}
