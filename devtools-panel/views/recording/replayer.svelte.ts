/**
 * Runs a replay plan against the live page through the simulate/* messages:
 * adds, updates and removes simulated peers at the planned times. The hook
 * answers with the full list of simulated peers (simulate/state); a planned
 * visit learns its peer id there, by its name, unique among the replay's own
 * and the peers the repo already simulated when it started. Stopping removes
 * the replay's peers and nobody else's: peers added by hand stay.
 *
 * A replay is done when its last keyframe is reached, not when its last
 * action is sent (keyframes run on in the page). Looping, it then removes its
 * peers and plays again from the start: the state at the chosen point first.
 */
import type { SimulatedPeerInfo, SimulatedVisibility } from "../../../protocol/simulate"
import { planEnd, type ReplayAction } from "../../recording/replay-plan"
import type { PanelStore } from "../../ui/panel-store.svelte"

export type ReplayStatus = "idle" | "running" | "finished"

export interface ReplayTargetRepo {
  repoId: string
  docId: string
  visibility: SimulatedVisibility
}

export interface ReplayOptions {
  /** Play again from the start each time the plan has played out, until stopped. */
  loop?: boolean
}

type AddAction = Extract<ReplayAction, { kind: "add" }>

/** How long after a stop the replay still waits for the ids of peers it added, to remove them. */
const SWEEP_MS = 10_000

let requestCounter = 0
function requestId(): string {
  return `replay-${Date.now().toString(36)}-${++requestCounter}`
}

export class Replayer {
  status: ReplayStatus = $state("idle")
  error: string | undefined = $state()
  /** Actions sent so far, of `total`. */
  done = $state(0)
  total = $state(0)
  /** Simulated peers of this replay the page reports alive. */
  alive = $state(0)
  /** The pass being played: 1, then 2, 3... when looping. */
  pass = $state(1)
  loop = $state(false)

  readonly #store: PanelStore
  #target: ReplayTargetRepo | undefined
  #actions: readonly ReplayAction[] = []
  /** When the plan has played out (ms after a pass starts). */
  #end = 0
  #startedAt = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopObserving: (() => void) | undefined
  #requests = new Set<string>()
  /** Name -> visit, for the peers this replay added and has not removed. */
  readonly #names = new Map<string, string>()
  readonly #usedNames = new Set<string>()
  readonly #ids = new Map<string, string>()
  /** Updates and removals for visits whose peer id has not come back yet. */
  readonly #waiting = new Map<string, ReplayAction[]>()
  /** Simulated peers the repo had before the replay: never taken for the replay's own. */
  readonly #foreign = new Set<string>()

  constructor(store: PanelStore) {
    this.#store = store
  }

  start(actions: readonly ReplayAction[], target: ReplayTargetRepo, options: ReplayOptions = {}): void {
    this.stop()
    this.#target = target
    this.#actions = actions
    this.#end = planEnd(actions)
    this.#startedAt = performance.now()
    this.error = undefined
    this.done = 0
    this.total = actions.length
    this.pass = 1
    this.loop = options.loop === true
    this.status = "running"
    for (const peer of this.#store.state.repos.get(target.repoId)?.simulation?.peers ?? []) {
      this.#foreign.add(peer.id)
      this.#usedNames.add(peer.name)
    }
    this.#stopObserving = this.#store.observe(message => {
      if (message.type !== "background/page-batch") return
      for (const inner of message.batch.messages) {
        if (inner.type === "simulate/state" && inner.repoId === target.repoId) this.#learnIds(inner.peers)
        if (inner.type === "simulate/error" && this.#requests.has(inner.requestId)) this.#fail(inner.message)
      }
    })
    this.#run()
  }

  /** Stops and removes the simulated peers this replay added (those whose ids are not known yet as they come in). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#stopObserving?.()
    this.#stopObserving = undefined
    if (this.#target && this.status !== "idle") this.#removeOwnPeers(this.#target.repoId)
    this.status = "idle"
    this.alive = 0
    this.#requests.clear()
    this.#names.clear()
    this.#usedNames.clear()
    this.#ids.clear()
    this.#waiting.clear()
    this.#foreign.clear()
  }

  #removeOwnPeers(repoId: string): void {
    const unknown = new Set<string>()
    for (const [name, visit] of this.#names) {
      const peerId = this.#ids.get(visit)
      if (peerId === undefined) unknown.add(name)
      else this.#send({ type: "simulate/remove", requestId: requestId(), repoId, peerId })
    }
    if (unknown.size > 0) this.#sweepLate(repoId, unknown, new Set(this.#foreign))
  }

  /**
   * Removes the peers named `names` as soon as the page reports their ids,
   * for SWEEP_MS at most; independent of any replay started meanwhile.
   */
  #sweepLate(repoId: string, names: Set<string>, foreign: ReadonlySet<string>): void {
    const finish = () => {
      clearTimeout(timer)
      stopObserving()
    }
    const stopObserving = this.#store.observe(message => {
      if (message.type !== "background/page-batch") return
      for (const inner of message.batch.messages) {
        if (inner.type !== "simulate/state" || inner.repoId !== repoId) continue
        for (const peer of inner.peers) {
          if (foreign.has(peer.id) || !names.delete(peer.name)) continue
          this.#send({ type: "simulate/remove", requestId: requestId(), repoId, peerId: peer.id })
        }
      }
      if (names.size === 0) finish()
    })
    const timer = setTimeout(finish, SWEEP_MS)
  }

  #run = (): void => {
    this.#timer = undefined
    const elapsed = performance.now() - this.#startedAt
    const adds: AddAction[] = []
    while (this.done < this.#actions.length && this.#actions[this.done]!.at <= elapsed) {
      const action = this.#actions[this.done++]!
      if (action.kind === "add") adds.push(action)
      else this.#perform(action)
    }
    if (adds.length > 0) this.#add(adds)
    const next = this.done < this.#actions.length ? this.#actions[this.done]!.at : this.#end
    if (this.done >= this.#actions.length && elapsed >= this.#end) {
      if (this.loop) this.#nextPass()
      else this.status = "finished"
      return
    }
    this.#timer = setTimeout(this.#run, Math.max(0, next - elapsed))
  }

  /** Removes this pass's peers (never to be taken for the next pass's) and plays the plan again. */
  #nextPass(): void {
    const repoId = this.#target!.repoId
    this.#removeOwnPeers(repoId)
    for (const [name, visit] of this.#names) {
      const peerId = this.#ids.get(visit)
      // A peer removed now may still be listed a moment: it is not the next pass's. Names of
      // peers whose ids are still unknown stay taken, so the sweep removes the right ones.
      if (peerId !== undefined) {
        this.#foreign.add(peerId)
        this.#usedNames.delete(name)
      }
    }
    this.#names.clear()
    this.#ids.clear()
    this.#waiting.clear()
    this.alive = 0
    this.done = 0
    this.pass++
    this.#startedAt = performance.now()
    this.#run()
  }

  #add(adds: AddAction[]): void {
    const peers = adds.map(action => {
      const name = this.#uniqueName(action.spec.name)
      this.#names.set(name, action.visit)
      return { ...action.spec, name }
    })
    this.#send({ type: "simulate/add", requestId: this.#request(), repoId: this.#target!.repoId, peers })
  }

  #perform(action: ReplayAction): void {
    const peerId = this.#ids.get(action.visit)
    if (peerId === undefined) {
      this.#waiting.set(action.visit, [...(this.#waiting.get(action.visit) ?? []), action])
      return
    }
    const repoId = this.#target!.repoId
    if (action.kind === "remove") {
      this.#send({ type: "simulate/remove", requestId: this.#request(), repoId, peerId })
      // Forgotten, so the list the hook sends while it removes the peer cannot map it again.
      for (const [name, visit] of this.#names) if (visit === action.visit) this.#names.delete(name)
    } else if (action.kind === "update") {
      this.#send({
        type: "simulate/update",
        requestId: this.#request(),
        repoId,
        peerId,
        patch: { namespaces: { [action.namespace]: action.spec } },
      })
    }
  }

  #learnIds(peers: readonly SimulatedPeerInfo[]): void {
    let alive = 0
    for (const peer of peers) {
      const visit = this.#foreign.has(peer.id) ? undefined : this.#names.get(peer.name)
      if (visit === undefined) continue
      alive++
      if (this.#ids.has(visit)) continue
      this.#ids.set(visit, peer.id)
      const waiting = this.#waiting.get(visit) ?? []
      this.#waiting.delete(visit)
      for (const action of waiting) this.#perform(action)
    }
    this.alive = alive
  }

  /** Names tell this replay's peers apart in simulate/state: each visit gets its own. */
  #uniqueName(name: string): string {
    let unique = name
    for (let n = 2; this.#usedNames.has(unique); n++) unique = `${name} #${n}`
    this.#usedNames.add(unique)
    return unique
  }

  #request(): string {
    const id = requestId()
    this.#requests.add(id)
    return id
  }

  #send(message: Parameters<PanelStore["toPage"]>[0]): void {
    this.#store.toPage(message)
  }

  #fail(message: string): void {
    this.error = `The page refused the replay: ${message}`
    this.stop()
  }
}
