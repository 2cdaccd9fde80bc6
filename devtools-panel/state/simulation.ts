/**
 * Simulated peers as the hook reports them. Each `simulate/state` replaces a
 * repo's list wholesale (the hook sends the full list after every change), so
 * a peer is simulated exactly when the latest list names it. Errors are kept
 * by request id for the Simulate view, like attach results.
 */
import type { HookToPanelMessage } from "../../protocol/messages"
import type { Draft, Mutable } from "./draft"
import type { PanelState, RepoSimulationState } from "./panel-state"

type SimulateState = Extract<HookToPanelMessage, { type: "simulate/state" }>
type SimulateError = Extract<HookToPanelMessage, { type: "simulate/error" }>
type NetworkState = Extract<HookToPanelMessage, { type: "simulate/network-state" }>

/** Removed simulated peers remembered per repo; the oldest are forgotten first. */
const MAX_FORMER_IDS = 1000

/** Failures kept for the view (it only ever shows the latest request's). */
const MAX_SIMULATION_ERRORS = 32

const NO_IDS: ReadonlySet<string> = new Set()

export function applySimulationState(draft: Draft, state: Mutable<PanelState>, message: SimulateState): void {
  const current = state.repos.get(message.repoId)
  if (!current || !Array.isArray(message.peers)) return
  const peers = message.peers.filter(peer => typeof peer?.id === "string")
  const ids = new Set(peers.map(peer => peer.id))
  const former = new Set<string>()
  for (const id of [...(current.simulation?.former ?? []), ...(current.simulation?.ids ?? [])]) if (!ids.has(id)) former.add(id)
  for (const id of former) {
    if (former.size <= MAX_FORMER_IDS) break
    former.delete(id)
  }
  const repos = draft.map(state.repos)
  const repo = draft.object(current)
  repo.simulation = {
    peers,
    ids,
    former,
    keepOnClose: message.keepOnClose === true,
    version: (current.simulation?.version ?? 0) + 1,
    pageLeft: message.pageLeft === true,
  }
  repos.set(message.repoId, repo)
  state.repos = repos
}

/** The channels under simulated network conditions: each message replaces the repo's list. */
export function applyNetworkState(draft: Draft, state: Mutable<PanelState>, message: NetworkState): void {
  const current = state.repos.get(message.repoId)
  if (!current || !Array.isArray(message.channels)) return
  const repos = draft.map(state.repos)
  const repo = draft.object(current)
  repo.network = message.channels.filter(channel => typeof channel?.channelId === "number")
  repos.set(message.repoId, repo)
  state.repos = repos
}

export function recordSimulationError(state: Mutable<PanelState>, message: SimulateError): void {
  const errors = new Map(state.simulationErrors)
  errors.set(String(message.requestId), {
    message: typeof message.message === "string" && message.message !== "" ? message.message : "The page refused the request.",
    ...(typeof message.code === "string" ? { code: message.code } : {}),
  })
  while (errors.size > MAX_SIMULATION_ERRORS) errors.delete(errors.keys().next().value!)
  state.simulationErrors = errors
}

/** The ids of a repo's removed simulated peers (see RepoSimulationState.former). */
export function formerSimulatedIds(repo: { readonly simulation?: RepoSimulationState } | undefined): ReadonlySet<string> {
  return repo?.simulation?.former ?? NO_IDS
}

/** The ids of a repo's simulated peers (empty when it simulates nothing). */
export function simulatedIds(repo: { readonly simulation?: RepoSimulationState } | undefined): ReadonlySet<string> {
  return repo?.simulation?.ids ?? NO_IDS
}
