/**
 * One simulated peer as the engine keeps it: its identity, the behaviour
 * state of each namespace it writes, and what still has to reach the repo.
 */
import type {
  JsonValue,
  SimulatedNamespaceSpec,
  SimulatedPeerInfo,
  SimulatedPeerSpec,
  SimulatedPeerState,
  SimulatedVisibility,
} from "../../protocol/simulate"
import { advanceBehaviour, type BehaviourState, behaviourIntervalMs, seedFromString, startBehaviour } from "./behaviours"

interface NamespaceRuntime {
  spec: SimulatedNamespaceSpec
  state: BehaviourState
  /** Wall-clock start of the behaviour, moved forward by the time spent paused. */
  startedAt: number
}

export class SimulatedPeer {
  readonly id: string
  readonly name: string
  readonly docId: string
  readonly visibility: SimulatedVisibility
  readonly channelId: number
  readonly createdAt: number
  state: SimulatedPeerState = "connecting"
  paused = false
  error: string | undefined
  readonly namespaces = new Map<string, NamespaceRuntime>()
  /** Namespaces whose value (or, when no longer in `namespaces`, deletion) has yet to reach the repo. */
  readonly dirty = new Set<string>()
  /** Namespaces the repo has received a value for: what removal must delete. */
  readonly written = new Set<string>()
  /**
   * Namespaces whose starting value has not been written yet. Their behaviour
   * waits for it: a replay from a point must show the state there before what
   * followed, even when its next keyframe is due before the first write.
   */
  readonly unstarted = new Set<string>()
  #pausedAt = 0

  constructor(id: string, channelId: number, spec: SimulatedPeerSpec, now: number) {
    this.id = id
    this.name = spec.name
    this.docId = spec.docId
    this.visibility = spec.visibility
    this.channelId = channelId
    this.createdAt = now
    for (const [namespace, namespaceSpec] of Object.entries(spec.namespaces)) {
      this.setNamespace(namespace, namespaceSpec, now)
    }
  }

  /** Starts (or restarts) a namespace's behaviour from its base value. */
  setNamespace(namespace: string, spec: SimulatedNamespaceSpec, now: number): void {
    const seed =
      spec.behaviour.kind === "random-walk" && spec.behaviour.seed !== undefined
        ? spec.behaviour.seed
        : seedFromString(`${this.id}/${namespace}`)
    this.namespaces.set(namespace, { spec, state: startBehaviour(spec.behaviour, spec.value, seed), startedAt: now })
    this.dirty.add(namespace)
    this.unstarted.add(namespace)
  }

  /** Stops writing a namespace; its entry is deleted with the next frame. */
  deleteNamespace(namespace: string): void {
    this.namespaces.delete(namespace)
    this.unstarted.delete(namespace)
    if (this.written.has(namespace)) this.dirty.add(namespace)
    else this.dirty.delete(namespace)
  }

  /** The value to write for a namespace; undefined means delete its entry. */
  valueOf(namespace: string): JsonValue | undefined {
    return this.namespaces.get(namespace)?.state.value
  }

  setPaused(paused: boolean, now: number): void {
    if (paused === this.paused) return
    this.paused = paused
    if (paused) {
      this.#pausedAt = now
      return
    }
    // Resume where it stopped: behaviours see elapsed time without the pause.
    for (const runtime of this.namespaces.values()) runtime.startedAt += now - this.#pausedAt
  }

  /** Runs due behaviours; true when some value changed (and is now dirty). */
  advance(now: number, toleranceMs: number): boolean {
    if (this.paused || this.state !== "live") return false
    let changed = false
    for (const [namespace, runtime] of this.namespaces) {
      if (this.unstarted.has(namespace)) continue
      const elapsed = now - runtime.startedAt
      // A tick that lands a little early still takes the step, at its own time.
      if (runtime.state.nextChangeMs > elapsed + toleranceMs) continue
      const next = advanceBehaviour(
        runtime.spec.behaviour,
        runtime.spec.value,
        runtime.state,
        Math.max(elapsed, runtime.state.nextChangeMs),
      )
      if (next.value !== runtime.state.value) {
        this.dirty.add(namespace)
        changed = true
      }
      runtime.state = next
    }
    return changed
  }

  /** The shortest interval any of its behaviours wants; undefined when nothing moves. */
  intervalMs(): number | undefined {
    if (this.paused || this.state === "removing") return undefined
    let shortest: number | undefined
    for (const runtime of this.namespaces.values()) {
      const interval = behaviourIntervalMs(runtime.spec.behaviour)
      if (interval !== undefined && (shortest === undefined || interval < shortest)) shortest = interval
    }
    return shortest
  }

  info(): SimulatedPeerInfo {
    const namespaces: Record<string, SimulatedNamespaceSpec> = {}
    for (const [namespace, runtime] of this.namespaces) namespaces[namespace] = runtime.spec
    return {
      id: this.id,
      name: this.name,
      docId: this.docId,
      visibility: this.visibility,
      namespaces,
      paused: this.paused,
      state: this.state,
      channelId: this.channelId,
      createdAt: this.createdAt,
      ...(this.error === undefined ? {} : { error: this.error }),
    }
  }
}
