/**
 * The page hook's side of the Simulate view: turns simulate/* requests into
 * engine calls and the engine's changes into simulate/state messages.
 *
 * One engine per repo, created by the first simulate/* request naming that
 * repo, so a page nobody simulates in pays nothing. Engines end with what
 * they simulate in: the repo's unregistration, the page going away,
 * or, unless the panel asked to keep them, the last panel going away.
 */
import { assertNever, type HookToPanelMessage } from "../../protocol/messages"
import type { SimulatePanelToHookMessage, SimulationErrorCode } from "../../protocol/simulate"
import { isAutomergeRepo } from "./automerge/automerge-access"
import { createAutomergeSimulationEngine } from "./automerge/engine"
import { createSimulationEngine, type SimulationEngine } from "./engine"
import { SimulationError } from "./errors"
import { NetworkShaper } from "./network-shaper"

export interface SimulationHost {
  /** The live repo object registered under `repoId`, or undefined once it is unregistered. */
  repoOf(repoId: string): unknown
  /** To a listening panel (dropped while none listens: it gets a fresh state on subscribe). */
  send(message: HookToPanelMessage): void
  /** The answer to a request: sent even if the panel has not subscribed yet. */
  reply(message: HookToPanelMessage): void
  /** Tests inject a fake; the page uses the real engine. */
  createEngine?: (repo: unknown) => SimulationEngine
}

type NetworkRequest = Extract<SimulatePanelToHookMessage, { type: "simulate/network" }>

/** How often counts of held and dropped frames go to the panel while conditions are on. */
const NETWORK_STATS_MS = 1000

interface RepoSimulation {
  readonly engine: SimulationEngine
  keepOnClose: boolean
  readonly stopListening: () => void
}

export class SimulationCommands {
  readonly #host: SimulationHost
  readonly #byRepo = new Map<string, RepoSimulation>()
  /** Network conditions live apart from the engines: they never outlive the panel, whatever keep-on-close says. */
  readonly #shapers = new Map<string, NetworkShaper>()
  #statsTimer: ReturnType<typeof setInterval> | undefined

  constructor(host: SimulationHost) {
    this.#host = host
  }

  handle(message: SimulatePanelToHookMessage): void {
    if (message.type === "simulate/network") this.#network(message)
    else this.#simulate(message)
  }

  #simulate(message: Exclude<SimulatePanelToHookMessage, NetworkRequest>): void {
    const { requestId, repoId } = message
    let simulation: RepoSimulation
    try {
      simulation = this.#simulationFor(repoId)
    } catch (error) {
      this.#fail(requestId, error)
      return
    }
    const { engine } = simulation
    try {
      switch (message.type) {
        case "simulate/add":
          engine.addPeers(message.peers)
          return
        case "simulate/update":
          engine.updatePeer(message.peerId, message.patch)
          return
        case "simulate/pause":
          engine.pausePeer(message.peerId, message.paused)
          return
        case "simulate/remove":
          this.#settle(requestId, engine.removePeer(message.peerId))
          return
        case "simulate/remove-all":
          this.#settle(requestId, engine.removeAll())
          return
        case "simulate/set-keep-on-close":
          simulation.keepOnClose = message.keep === true
          // Not an engine change: the panel still needs to see the switch land.
          this.#publish(repoId, simulation, engine.list())
          return
        default:
          assertNever(message)
      }
    } catch (error) {
      this.#fail(requestId, error)
    }
  }

  /** A panel subscribed: it learns every simulation that is running (after repo/registered). */
  announce(): void {
    for (const [repoId, simulation] of this.#byRepo) this.#publish(repoId, simulation, simulation.engine.list())
    for (const repoId of this.#shapers.keys()) this.#publishNetwork(repoId)
  }

  /** The last panel went away: peers it did not ask to keep are removed everywhere they reached. */
  panelGone(): void {
    this.#clearNetwork()
    for (const simulation of this.#byRepo.values()) {
      if (!simulation.keepOnClose) this.#settle(undefined, simulation.engine.removeAll())
    }
  }

  /** The repo was unregistered: its engine removes its peers and restores what it wrapped. */
  repoGone(repoId: string): Promise<void> {
    this.#shapers.get(repoId)?.clear()
    this.#shapers.delete(repoId)
    const simulation = this.#byRepo.get(repoId)
    if (!simulation) return Promise.resolve()
    this.#byRepo.delete(repoId)
    return this.#end(simulation)
  }

  /**
   * The page is going away: every peer is deleted while the page can still
   * send (tombstones reach the hub before its socket closes). A page restored
   * from the back/forward cache, or one whose navigation was cancelled,
   * starts over with new engines.
   */
  dispose(): Promise<void> {
    this.#clearNetwork()
    const ending = Array.from(this.#byRepo, async ([repoId, simulation]) => {
      // One word for the panel rather than the removal's steps: it may be the
      // last thing this page gets to say.
      simulation.stopListening()
      await this.#end(simulation)
      this.#host.send({ type: "simulate/state", repoId, peers: [], keepOnClose: simulation.keepOnClose, pageLeft: true })
    })
    this.#byRepo.clear()
    return Promise.all(ending).then(() => undefined)
  }

  #simulationFor(repoId: string): RepoSimulation {
    const existing = this.#byRepo.get(repoId)
    if (existing) return existing
    const repo = this.#host.repoOf(repoId)
    if (repo === undefined) {
      throw new SimulationError(
        "disposed",
        `Repo ${repoId} is no longer registered in the page (it was unregistered, or the page reloaded).`,
      )
    }
    const create = this.#host.createEngine ?? (isAutomergeRepo(repo) ? createAutomergeSimulationEngine : createSimulationEngine)
    const engine = create(repo)
    const simulation: RepoSimulation = {
      engine,
      keepOnClose: false,
      stopListening: engine.onChange(peers => this.#publish(repoId, simulation, peers)),
    }
    this.#byRepo.set(repoId, simulation)
    return simulation
  }

  #network({ requestId, repoId, channelId, conditions }: NetworkRequest): void {
    try {
      let shaper = this.#shapers.get(repoId)
      if (!shaper) {
        const repo = this.#host.repoOf(repoId)
        if (repo === undefined) throw new SimulationError("disposed", `Repo ${repoId} is no longer registered in the page.`)
        shaper = new NetworkShaper(repo)
        this.#shapers.set(repoId, shaper)
      }
      shaper.set(channelId, conditions)
    } catch (error) {
      this.#fail(requestId, error)
    }
    this.#publishNetwork(repoId)
  }

  #publishNetwork(repoId: string): void {
    const shaper = this.#shapers.get(repoId)
    this.#host.send({ type: "simulate/network-state", repoId, channels: shaper?.list() ?? [] })
    if (shaper && !shaper.active) this.#shapers.delete(repoId)
    if (this.#shapers.size > 0 && this.#statsTimer === undefined) {
      this.#statsTimer = setInterval(() => {
        for (const id of [...this.#shapers.keys()]) this.#publishNetwork(id)
      }, NETWORK_STATS_MS)
    } else if (this.#shapers.size === 0 && this.#statsTimer !== undefined) {
      clearInterval(this.#statsTimer)
      this.#statsTimer = undefined
    }
  }

  /** Every condition off, every held frame delivered now. */
  #clearNetwork(): void {
    for (const [repoId, shaper] of [...this.#shapers]) {
      shaper.clear()
      this.#publishNetwork(repoId)
    }
  }

  #publish(repoId: string, simulation: RepoSimulation, peers: ReturnType<SimulationEngine["list"]>): void {
    this.#host.send({ type: "simulate/state", repoId, peers, keepOnClose: simulation.keepOnClose })
  }

  async #end(simulation: RepoSimulation): Promise<void> {
    try {
      await simulation.engine.dispose()
    } catch {
      // Disposing restores the repo's methods; a failure there has nobody left to tell.
    } finally {
      simulation.stopListening()
    }
  }

  /** Removals finish asynchronously; a failure still deserves an answer. */
  #settle(requestId: string | undefined, done: Promise<void>): void {
    done.catch(error => {
      if (requestId !== undefined) this.#fail(requestId, error)
    })
  }

  #fail(requestId: string, error: unknown): void {
    const code: SimulationErrorCode | undefined = error instanceof SimulationError ? error.code : undefined
    const message =
      error instanceof SimulationError ? error.message : `The simulation failed: ${error instanceof Error ? error.message : String(error)}`
    this.#host.reply({ type: "simulate/error", requestId, message, ...(code === undefined ? {} : { code }) })
  }
}
