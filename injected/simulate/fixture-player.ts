/**
 * Replays a presence fixture (protocol/fixture.ts, exported from the Record
 * view) into a real @loro-extended/repo Repo, in Node tests or anywhere: the
 * recorded peers join the repo as simulated peers through the real protocol
 * (a channel, a handshake, ephemeral frames) with fresh ids, and write what
 * they wrote, when they wrote it.
 *
 *   import { replayFixture } from "<this project>/injected/simulate/fixture-player"
 *   const replay = replayFixture(clientRepo, JSON.parse(readFileSync("session.fixture.json", "utf8")), {
 *     visibility: "network", // reach every peer behind the hub (default "local": this repo only)
 *     speed: 4,              // four times as fast as recorded
 *   })
 *   await replay.done        // every recorded change has been written
 *   // ...assert the app's state...
 *   await replay.stop()      // the replayed peers leave; the repo is as it was
 */
import { FIXTURE_FORMAT, FIXTURE_VERSION, type FixtureAction, type PresenceFixture } from "../../protocol/fixture"
import type { SimulatedNamespaceSpec, SimulatedVisibility } from "../../protocol/simulate"
import { createSimulationEngine } from "./engine"

export interface ReplayFixtureOptions {
  /** The room to replay into; default: the recorded one. */
  docId?: string
  /** Default "local": only this repo sees the replayed peers. */
  visibility?: SimulatedVisibility
  /** 1 = recorded speed (the default); 4 = four times as fast. */
  speed?: number
}

export interface FixtureReplay {
  /** Resolves once every recorded change is written (removals sent, last keyframes reached); rejects if the repo refuses one. */
  readonly done: Promise<void>
  /** Recorded visit -> the simulated peer id replaying it (as they join). */
  readonly peers: ReadonlyMap<string, string>
  /** Stops early if need be, removes every replayed peer and restores the repo. */
  stop(): Promise<void>
}

/** What a fixture file holds, checked: a clear error instead of a half-run replay. */
export function readFixture(value: unknown): PresenceFixture {
  const fixture = value as Partial<PresenceFixture> | null
  if (typeof fixture !== "object" || fixture === null || fixture.format !== FIXTURE_FORMAT) {
    throw new Error(`Not a presence fixture: expected "format": "${FIXTURE_FORMAT}" (export one from the Record view).`)
  }
  if (fixture.version !== FIXTURE_VERSION) {
    throw new Error(`Presence fixture version ${String(fixture.version)} is not supported (this player reads version ${FIXTURE_VERSION}).`)
  }
  if (typeof fixture.docId !== "string" || !Array.isArray(fixture.actions))
    throw new Error("A presence fixture needs a docId and a list of actions.")
  for (const [index, action] of fixture.actions.entries()) {
    if (typeof action?.at !== "number" || !Number.isFinite(action.at) || typeof action.visit !== "string") {
      throw new Error(`Fixture action ${index} needs a numeric "at" and a "visit".`)
    }
    if (action.kind !== "add" && action.kind !== "update" && action.kind !== "remove") {
      throw new Error(`Fixture action ${index} has an unknown kind ${JSON.stringify((action as { kind?: unknown }).kind)}.`)
    }
  }
  return fixture as PresenceFixture
}

/** When an action's effect is complete: its time, plus the last keyframe of what it starts. */
function endOf(action: FixtureAction): number {
  const specs = action.kind === "add" ? Object.values(action.spec.namespaces) : action.kind === "update" && action.spec ? [action.spec] : []
  let end = action.at
  for (const spec of specs) {
    if (spec.behaviour.kind === "keyframes") end = Math.max(end, action.at + (spec.behaviour.frames.at(-1)?.at ?? 0))
  }
  return end
}

/** A namespace's keyframes at `speed` times the recorded pace. */
function atSpeed(spec: SimulatedNamespaceSpec, speed: number): SimulatedNamespaceSpec {
  if (speed === 1 || spec.behaviour.kind !== "keyframes") return spec
  return { ...spec, behaviour: { ...spec.behaviour, frames: spec.behaviour.frames.map(frame => ({ ...frame, at: frame.at / speed })) } }
}

export function replayFixture(repo: unknown, fixtureValue: unknown, options: ReplayFixtureOptions = {}): FixtureReplay {
  const fixture = readFixture(fixtureValue)
  const speed = options.speed ?? 1
  if (!(speed > 0)) throw new Error(`speed must be above 0 (got ${speed}).`)
  const docId = options.docId ?? fixture.docId
  const visibility = options.visibility ?? "local"
  const engine = createSimulationEngine(repo)
  const peers = new Map<string, string>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const removals: Promise<void>[] = []
  let stopped = false

  const perform = (action: FixtureAction): void => {
    if (action.kind === "add") {
      const namespaces = Object.fromEntries(Object.entries(action.spec.namespaces).map(([name, spec]) => [name, atSpeed(spec, speed)]))
      const [info] = engine.addPeers([{ ...action.spec, namespaces, docId, visibility }])
      peers.set(action.visit, info!.id)
      return
    }
    const peerId = peers.get(action.visit)
    if (peerId === undefined) throw new Error(`Fixture visit ${action.visit} is ${action.kind}d before it is added.`)
    if (action.kind === "remove") removals.push(engine.removePeer(peerId))
    else engine.updatePeer(peerId, { namespaces: { [action.namespace]: action.spec && atSpeed(action.spec, speed) } })
  }

  const done = new Promise<void>((resolve, reject) => {
    const actions = [...fixture.actions]
    const end = actions.reduce((latest, action) => Math.max(latest, endOf(action)), 0) / speed
    const start = performance.now()
    const step = (): void => {
      if (stopped) return
      try {
        const elapsed = performance.now() - start
        while (actions.length > 0 && actions[0]!.at / speed <= elapsed) perform(actions.shift()!)
      } catch (error) {
        reject(error)
        return
      }
      const next = actions.length > 0 ? actions[0]!.at / speed : end
      const wait = next - (performance.now() - start)
      if (actions.length === 0 && wait <= 0) {
        Promise.all(removals).then(() => resolve(), reject)
        return
      }
      const timer = setTimeout(
        () => {
          timers.delete(timer)
          step()
        },
        Math.max(0, wait),
      )
      timers.add(timer)
    }
    step()
  })
  // A caller that only awaits stop() must not see an unhandled rejection.
  done.catch(() => {})

  return {
    done,
    peers,
    async stop() {
      stopped = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await engine.dispose()
    },
  }
}
