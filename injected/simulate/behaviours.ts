/**
 * How a simulated peer's value changes over time, as pure functions: the
 * same spec, base value, seed and sequence of elapsed times always give the
 * same values. No timers here; the engine's single scheduler calls
 * `advanceBehaviour` for every due namespace on its tick.
 *
 * A state is never mutated; `advanceBehaviour` returns the same state object
 * when nothing changed, so the engine can tell "changed" by identity.
 */
import type { BehaviourSpec, JsonValue } from "../../protocol/simulate"
import { isJsonObject } from "./json-value"

export interface BehaviourState {
  /** The value to publish now. */
  readonly value: JsonValue
  /** Elapsed ms at which the value may change next; Infinity when it never will. */
  readonly nextChangeMs: number
  /** Steps taken (random walk), phase (toggle) or frame index (keyframes; -1 before the first). */
  readonly counter: number
  /** Random generator state (random walk). */
  readonly rng: number
  /** Unrounded position (random walk). */
  readonly x: number
  readonly y: number
}

/** A random walk more than this many steps behind jumps instead of replaying every step. */
const MAX_CATCH_UP_STEPS = 120
/** Periods like 1000/30 ms are not exact in binary: a time this close to a boundary has reached it. */
const EPSILON_MS = 1e-6

/** The interval at which a behaviour wants to be looked at; undefined when it never changes. */
export function behaviourIntervalMs(spec: BehaviourSpec): number | undefined {
  switch (spec.kind) {
    case "static":
      return undefined
    case "random-walk":
      return 1000 / spec.rateHz
    case "toggle":
      return spec.periodMs
    case "keyframes": {
      let gap = Infinity
      for (let index = 1; index < spec.frames.length; index++) {
        gap = Math.min(gap, spec.frames[index]!.at - spec.frames[index - 1]!.at)
      }
      return Number.isFinite(gap) && gap > 0 ? gap : (spec.frames[0]?.at ?? 0) || 1000
    }
  }
}

export function startBehaviour(spec: BehaviourSpec, base: JsonValue, seed: number): BehaviourState {
  const initial: BehaviourState = { value: base, nextChangeMs: Infinity, counter: 0, rng: seed >>> 0, x: 0, y: 0 }
  switch (spec.kind) {
    case "static":
      return initial
    case "random-walk": {
      const record = isJsonObject(base) ? base : {}
      const [minX, maxX] = spec.bounds.x
      const [minY, maxY] = spec.bounds.y
      const x = typeof record.x === "number" ? clamp(record.x, minX, maxX) : (minX + maxX) / 2
      const y = typeof record.y === "number" ? clamp(record.y, minY, maxY) : (minY + maxY) / 2
      return { ...initial, x, y, value: { ...record, x: round(x), y: round(y) }, nextChangeMs: 1000 / spec.rateHz }
    }
    case "toggle":
      return { ...initial, nextChangeMs: spec.periodMs }
    case "keyframes":
      return advanceKeyframes(spec, base, { ...initial, counter: -1 }, 0)
  }
}

export function advanceBehaviour(spec: BehaviourSpec, base: JsonValue, state: BehaviourState, elapsedMs: number): BehaviourState {
  if (elapsedMs + EPSILON_MS < state.nextChangeMs) return state
  switch (spec.kind) {
    case "static":
      return state
    case "random-walk":
      return advanceRandomWalk(spec, state, elapsedMs)
    case "toggle": {
      const phase = Math.floor(elapsedMs / spec.periodMs)
      const record = isJsonObject(base) ? base : {}
      const start = record[spec.field] === true
      const value = { ...record, [spec.field]: phase % 2 === 1 ? !start : start }
      return { ...state, counter: phase, value, nextChangeMs: (phase + 1) * spec.periodMs }
    }
    case "keyframes":
      return advanceKeyframes(spec, base, state, elapsedMs)
  }
}

function advanceRandomWalk(
  spec: Extract<BehaviourSpec, { kind: "random-walk" }>,
  state: BehaviourState,
  elapsedMs: number,
): BehaviourState {
  const periodMs = 1000 / spec.rateHz
  const target = Math.floor((elapsedMs + EPSILON_MS) / periodMs)
  const steps = Math.min(target - state.counter, MAX_CATCH_UP_STEPS)
  const [minX, maxX] = spec.bounds.x
  const [minY, maxY] = spec.bounds.y
  let { rng, x, y } = state
  for (let index = 0; index < steps; index++) {
    let random: number
    ;[random, rng] = nextRandom(rng)
    x = reflect(x + (random * 2 - 1) * spec.step, minX, maxX)
    ;[random, rng] = nextRandom(rng)
    y = reflect(y + (random * 2 - 1) * spec.step, minY, maxY)
  }
  const previous = isJsonObject(state.value) ? state.value : {}
  return {
    ...state,
    rng,
    x,
    y,
    counter: target,
    value: { ...previous, x: round(x), y: round(y) },
    nextChangeMs: (target + 1) * periodMs,
  }
}

function advanceKeyframes(
  spec: Extract<BehaviourSpec, { kind: "keyframes" }>,
  base: JsonValue,
  state: BehaviourState,
  elapsedMs: number,
): BehaviourState {
  const { frames } = spec
  const duration = spec.loop ? loopDuration(spec) : undefined
  const cycle = duration === undefined ? 0 : Math.floor(elapsedMs / duration)
  const cycleStart = duration === undefined ? 0 : cycle * duration
  const t = elapsedMs - cycleStart
  let index = -1
  while (index + 1 < frames.length && frames[index + 1]!.at <= t) index++
  const nextAt = index + 1 < frames.length ? frames[index + 1]!.at : (duration ?? Infinity)
  const nextChangeMs = cycleStart + nextAt
  // A looping script restarts from its own first value, not the base, after the first cycle.
  const value = index >= 0 ? frames[index]!.value : cycle > 0 ? frames[frames.length - 1]!.value : base
  if (index === state.counter && value === state.value) return { ...state, nextChangeMs }
  return { ...state, counter: index, value, nextChangeMs }
}

/** Default loop: the last frame lasts as long as the average frame before it. */
export function loopDuration(spec: Extract<BehaviourSpec, { kind: "keyframes" }>): number {
  if (spec.durationMs !== undefined) return spec.durationMs
  const last = spec.frames[spec.frames.length - 1]!.at
  const gap = spec.frames.length > 1 ? last / (spec.frames.length - 1) : 1000
  return last + Math.max(gap, 1)
}

/** mulberry32: a tiny seeded generator, returning [value in [0, 1), next state]. */
function nextRandom(state: number): [number, number] {
  const next = (state + 0x6d2b79f5) >>> 0
  let t = next
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next]
}

/** A stable 32-bit seed from a string (FNV-1a), e.g. a peer id. */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

/** Bounces off the walls so a walk never sticks to an edge. */
function reflect(value: number, min: number, max: number): number {
  if (max <= min) return min
  if (value < min) return clamp(2 * min - value, min, max)
  if (value > max) return clamp(2 * max - value, min, max)
  return value
}

/** Two decimals: integral positions travel as compact I64s, and the panel shows tidy numbers. */
function round(value: number): number {
  return Math.round(value * 100) / 100
}
