/**
 * Replay into a live page, planned: a recording's peers in one room become
 * simulated peers (protocol/simulate.ts) whose namespaces follow the recorded
 * values as keyframes at the recorded times, divided by the speed. The hook's
 * engine writes each keyframe with a fresh, strictly increasing timestamp
 * under the simulated identity, so the page applies every one of them
 * (recorded bytes and timestamps would lose to anything newer).
 *
 * From a point in the middle, the replay starts at the recording's state
 * there (every replayed peer's values, added at once) and continues with
 * what followed, as far from the point as it happened on the page.
 *
 * A peer's visit (from its first live key to its last deletion) is one
 * simulated peer: added when the visit starts, removed when it ends. A
 * namespace that starts or stops inside a visit is an update. Keyframe
 * scripts are capped by the engine, so long runs are sent in windows.
 */
import type { JsonValue, SimulatedNamespaceSpec, SimulatedVisibility } from "../../protocol/simulate"
import type { FixtureAction } from "../../protocol/fixture"
import type { StoreEntry, WireValue } from "../../protocol/messages"
import { deepEqual } from "../values/deep-equal"
import type { PanelState } from "../state/panel-state"
import { shortId } from "../values/format"
import { stepAt, timeAt, type StepIndex } from "./steps"

/** The engine's limit on frames per keyframes behaviour. */
export const MAX_FRAMES_PER_WINDOW = 1000

/**
 * How long after the start a change that followed the chosen point comes at
 * the earliest (ms): the replay first stands at the point's state, even when
 * the next change happened in the same millisecond.
 */
export const AFTER_POINT_MS = 1

/** The plan's steps; a test fixture is a plan (protocol/fixture.ts). */
export type ReplayAction = FixtureAction

export interface ReplaySource {
  /** The recorded repo whose view of the room is replayed. */
  repoId: string
  docId: string
  /** Replay what happens after this position; the state there gives the starting values. */
  from: number
  fromState: PanelState
}

export interface ReplayTarget {
  docId: string
  visibility: SimulatedVisibility
  /** 1 = recorded speed. */
  speed: number
  /**
   * The recorded peers (store keys) to replay; undefined: every one. The
   * recorded page's own peer and the app's services are usually left out:
   * the live page has its own, and a second server takes over the app.
   */
  peers?: ReadonlySet<string>
}

interface Change {
  /** The page's time of the change. */
  readonly t: number
  readonly key: string
  readonly namespace: string
  /** undefined: deleted. */
  readonly value: WireValue | undefined
}

/** Store changes of one room, as one repo saw them, after a position (its registration snapshot included). */
function changesAfter(index: StepIndex, source: ReplaySource): Change[] {
  const changes: Change[] = []
  const add = (t: number, namespace: string, entries: readonly StoreEntry[]) => {
    for (const entry of entries) {
      if (typeof entry?.key === "string")
        changes.push({ t, key: entry.key, namespace, value: entry.deleted ? undefined : (entry.value ?? null) })
    }
  }
  index.records.forEach(({ message, t: received }, r) => {
    let position = index.firstStep[r]!
    if (index.firstStep[r + 1]! <= source.from || message.type !== "background/page-batch") return
    for (const inner of message.batch.messages) {
      if (inner.type !== "repo/events") {
        if (++position > source.from && inner.type === "repo/registered" && inner.repo.repoId === source.repoId) {
          for (const store of inner.stores) if (store.docId === source.docId) add(received, store.namespace, store.entries)
        }
        continue
      }
      for (const event of inner.events) {
        position++
        if (position <= source.from || inner.repoId !== source.repoId || event.kind !== "store" || event.docId !== source.docId) continue
        // The page's own time of the change keeps the spacing the hook's batching would flatten.
        add(Number.isFinite(event.t) ? event.t : received, event.namespace, event.entries)
      }
    }
  })
  return changes
}

interface Frame {
  readonly at: number
  readonly value: JsonValue
}

/** One namespace of one peer from a value to its deletion (or the end). */
interface Run {
  readonly namespace: string
  readonly frames: Frame[]
  end?: number
}

/** A peer from its first live key to its last deletion: one simulated peer. */
interface Visit {
  readonly id: string
  readonly key: string
  readonly start: number
  readonly runs: Run[]
  readonly live: Map<string, Run>
  end?: number
}

function specOf(frames: readonly Frame[]): SimulatedNamespaceSpec {
  const [first, ...rest] = frames
  if (rest.length === 0) return { value: first!.value, behaviour: { kind: "static" } }
  return {
    value: first!.value,
    behaviour: { kind: "keyframes", frames: rest.map(frame => ({ at: frame.at - first!.at, value: frame.value })) },
  }
}

/** A run's frames in engine-sized windows; each window starts with the value it continues from. */
function windows(frames: readonly Frame[]): Frame[][] {
  const result: Frame[][] = []
  // A window holds its starting value plus up to MAX frames; the next one starts from its last value.
  for (let i = 0; ; i += MAX_FRAMES_PER_WINDOW) {
    const part = frames.slice(i, i + MAX_FRAMES_PER_WINDOW + 1)
    result.push(part)
    if (i + MAX_FRAMES_PER_WINDOW + 1 >= frames.length) return result
  }
}

/** A change at its time in the replay (ms from the start). */
interface TimedChange extends Change {
  readonly at: number
}

/** Visits of every peer, from the starting values and the changes after them. */
function visitsOf(changes: readonly TimedChange[]): Visit[] {
  const open = new Map<string, Visit>()
  const all: Visit[] = []
  for (const change of changes) {
    const { at } = change
    let visit = open.get(change.key)
    const run = visit?.live.get(change.namespace)
    if (change.value === undefined) {
      if (!visit || !run) continue
      run.end = at
      visit.live.delete(change.namespace)
      if (visit.live.size === 0) {
        visit.end = at
        open.delete(change.key)
      }
      continue
    }
    const value = change.value as JsonValue
    if (run) {
      if (!deepEqual(run.frames[run.frames.length - 1]!.value, value)) run.frames.push({ at, value })
      continue
    }
    if (!visit) {
      visit = { id: `visit-${all.length + 1}`, key: change.key, start: at, runs: [], live: new Map() }
      open.set(change.key, visit)
      all.push(visit)
    }
    const started: Run = { namespace: change.namespace, frames: [{ at, value }] }
    visit.runs.push(started)
    visit.live.set(change.namespace, started)
  }
  return all
}

function nameIn(value: WireValue | undefined): string | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.name === "string" ? value.name : undefined
}

/**
 * The time of the chosen point on the page's clock, the one the changes
 * after it carry: the page's own time of the step there when it is a hook
 * event (the message holding it reached the panel later, after the page had
 * moved on), else when its message arrived.
 */
function pointTime(index: StepIndex, position: number): number {
  const step = stepAt(index, position)
  return step?.kind === "event" && Number.isFinite(step.event.t) ? step.event.t : timeAt(index, position)
}

export function planReplay(index: StepIndex, source: ReplaySource, target: ReplayTarget): ReplayAction[] {
  const speed = Math.max(1, target.speed)
  const fromT = pointTime(index, source.from)
  const changes: TimedChange[] = []
  // The recording's state at the point, all at the start.
  const room = source.fromState.repos.get(source.repoId)?.rooms.get(source.docId)
  for (const [namespace, entries] of room?.namespaces ?? []) {
    for (const entry of entries.values())
      if (!entry.deleted) changes.push({ t: fromT, at: 0, key: entry.key, namespace, value: entry.value ?? null })
  }
  // Then what followed, as far apart as it was (divided by the speed), and never at the start itself.
  for (const change of changesAfter(index, source)) changes.push({ ...change, at: Math.max(AFTER_POINT_MS, (change.t - fromT) / speed) })
  const names = new Map<string, string>()
  for (const change of changes) {
    const name = nameIn(change.value)
    if (name) names.set(change.key, name)
  }
  const actions: ReplayAction[] = []
  for (const visit of visitsOf(changes)) {
    if (target.peers && !target.peers.has(visit.key)) continue
    const namespaces: Record<string, SimulatedNamespaceSpec> = {}
    for (const run of visit.runs) {
      const [first, ...later] = windows(run.frames)
      const runStart = first![0]!.at
      if (runStart === visit.start) namespaces[run.namespace] = specOf(first!)
      else actions.push({ at: runStart, kind: "update", visit: visit.id, namespace: run.namespace, spec: specOf(first!) })
      for (const part of later)
        actions.push({ at: part[0]!.at, kind: "update", visit: visit.id, namespace: run.namespace, spec: specOf(part) })
      if (run.end !== undefined && run.end !== visit.end)
        actions.push({ at: run.end, kind: "update", visit: visit.id, namespace: run.namespace, spec: null })
    }
    const name = `${names.get(visit.key) ?? shortId(visit.key)} (replay)`
    actions.push({
      at: visit.start,
      kind: "add",
      visit: visit.id,
      recordedId: visit.key,
      spec: { name, docId: target.docId, visibility: target.visibility, namespaces },
    })
    if (visit.end !== undefined) actions.push({ at: visit.end, kind: "remove", visit: visit.id })
  }
  // At equal times a peer is added before it is updated, and removed last.
  return actions.sort((a, b) => a.at - b.at || ORDER[a.kind] - ORDER[b.kind])
}

const ORDER = { add: 0, update: 1, remove: 2 } as const

/** When a plan has played out: its last action, or the last keyframe an action starts (ms from the start). */
export function planEnd(actions: readonly ReplayAction[]): number {
  let end = 0
  for (const action of actions) {
    const specs =
      action.kind === "add" ? Object.values(action.spec.namespaces) : action.kind === "update" && action.spec ? [action.spec] : []
    end = Math.max(end, action.at)
    for (const spec of specs)
      if (spec.behaviour.kind === "keyframes") end = Math.max(end, action.at + (spec.behaviour.frames.at(-1)?.at ?? 0))
  }
  return end
}
