/**
 * Checks what the panel asks for before anything touches the repo, so a bad
 * request changes nothing. Returns normalized copies (keyframes sorted,
 * values deep-copied); throws SimulationError with a message naming the
 * offending field.
 */
import type { BehaviourSpec, JsonValue, SimulatedNamespaceSpec, SimulatedPeerPatch, SimulatedPeerSpec } from "../../protocol/simulate"
import { SimulationError } from "./errors"
import { cloneJson, isJsonObject, jsonProblem } from "./json-value"

/** Above 60 Hz a browser cannot show the difference and the app pays for every update. */
export const MAX_RATE_HZ = 60
/** One scheduler tick at 60 Hz. */
export const MIN_PERIOD_MS = 16
const MAX_NAME_LENGTH = 200
const MAX_KEYFRAMES = 1000

type Fields = Record<string, unknown>

function fail(message: string): never {
  throw new SimulationError("invalid-spec", message)
}

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function finite(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`${path} must be a finite number`)
  return value
}

function range(value: unknown, path: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) fail(`${path} must be [min, max]`)
  const min = finite(value[0], `${path}[0]`)
  const max = finite(value[1], `${path}[1]`)
  if (min > max) fail(`${path}: min ${min} is greater than max ${max}`)
  return [min, max]
}

function json(value: unknown, path: string): JsonValue {
  const problem = jsonProblem(value, path)
  if (problem) fail(problem)
  return cloneJson(value as JsonValue)
}

export function validateBehaviour(value: unknown, base: JsonValue, path: string): BehaviourSpec {
  if (!isRecord(value)) fail(`${path} must be an object with a "kind"`)
  switch (value.kind) {
    case "static":
      return { kind: "static" }
    case "random-walk": {
      if (!isJsonObject(base)) fail(`${path}: a random walk moves x/y of an object value, e.g. {"x": 0, "y": 0}`)
      const rateHz = finite(value.rateHz, `${path}.rateHz`)
      if (rateHz <= 0 || rateHz > MAX_RATE_HZ) fail(`${path}.rateHz must be above 0 and at most ${MAX_RATE_HZ}`)
      const step = finite(value.step, `${path}.step`)
      if (step <= 0) fail(`${path}.step must be above 0`)
      if (!isRecord(value.bounds)) fail(`${path}.bounds must be {x: [min, max], y: [min, max]}`)
      const bounds = { x: range(value.bounds.x, `${path}.bounds.x`), y: range(value.bounds.y, `${path}.bounds.y`) }
      const spec: BehaviourSpec = { kind: "random-walk", rateHz, step, bounds }
      if (value.seed !== undefined) spec.seed = finite(value.seed, `${path}.seed`)
      return spec
    }
    case "toggle": {
      if (!isJsonObject(base)) fail(`${path}: a toggle flips a field of an object value, e.g. {"typing": false}`)
      if (typeof value.field !== "string" || !value.field) fail(`${path}.field must name a field`)
      const current = base[value.field]
      if (current !== undefined && typeof current !== "boolean") fail(`${path}: field "${value.field}" is not a boolean`)
      const periodMs = finite(value.periodMs, `${path}.periodMs`)
      if (periodMs < MIN_PERIOD_MS) fail(`${path}.periodMs must be at least ${MIN_PERIOD_MS}`)
      return { kind: "toggle", field: value.field, periodMs }
    }
    case "keyframes": {
      if (!Array.isArray(value.frames) || value.frames.length === 0) fail(`${path}.frames must list at least one frame`)
      if (value.frames.length > MAX_KEYFRAMES) fail(`${path}.frames has more than ${MAX_KEYFRAMES} frames`)
      const frames = value.frames.map((frame: unknown, index: number) => {
        const at = `${path}.frames[${index}]`
        if (!isRecord(frame)) fail(`${at} must be {at, value}`)
        const time = finite(frame.at, `${at}.at`)
        if (time < 0) fail(`${at}.at must not be negative`)
        return { at: time, value: json(frame.value, `${at}.value`) }
      })
      frames.sort((a, b) => a.at - b.at)
      const spec: BehaviourSpec = { kind: "keyframes", frames }
      if (value.loop !== undefined) {
        if (typeof value.loop !== "boolean") fail(`${path}.loop must be true or false`)
        spec.loop = value.loop
      }
      if (value.durationMs !== undefined) {
        const durationMs = finite(value.durationMs, `${path}.durationMs`)
        if (durationMs <= frames[frames.length - 1]!.at) fail(`${path}.durationMs must be after the last frame`)
        spec.durationMs = durationMs
      }
      return spec
    }
    default:
      return fail(`${path}.kind must be "static", "random-walk", "toggle" or "keyframes"`)
  }
}

export function validateNamespace(value: unknown, path: string): SimulatedNamespaceSpec {
  if (!isRecord(value)) fail(`${path} must be {value, behaviour}`)
  if (!("value" in value)) fail(`${path}.value is missing`)
  const base = json(value.value, `${path}.value`)
  return { value: base, behaviour: validateBehaviour(value.behaviour, base, `${path}.behaviour`) }
}

function namespaceName(name: string, path: string): void {
  if (!name.trim()) fail(`${path} has an empty namespace name`)
}

export function validatePeerSpec(value: unknown, path: string, docExists: (docId: string) => boolean): SimulatedPeerSpec {
  if (!isRecord(value)) fail(`${path} must be an object`)
  const { name, docId, visibility, namespaces } = value
  if (typeof name !== "string" || !name.trim()) fail(`${path}.name must be a non-empty string`)
  if (name.length > MAX_NAME_LENGTH) fail(`${path}.name is longer than ${MAX_NAME_LENGTH} characters`)
  if (typeof docId !== "string" || !docId) fail(`${path}.docId must be a document id such as "room:lobby"`)
  if (visibility !== "local" && visibility !== "network") fail(`${path}.visibility must be "local" or "network"`)
  if (!isRecord(namespaces) || Object.keys(namespaces).length === 0) {
    fail(`${path}.namespaces must name at least one namespace, e.g. {"presence": {...}}`)
  }
  const checked: Record<string, SimulatedNamespaceSpec> = {}
  for (const [namespace, spec] of Object.entries(namespaces)) {
    namespaceName(namespace, `${path}.namespaces`)
    checked[namespace] = validateNamespace(spec, `${path}.namespaces.${namespace}`)
  }
  if (!docExists(docId)) {
    throw new SimulationError(
      "unknown-doc",
      `${path}.docId: the repo has no document or ephemeral store for "${docId}" (the room may no longer exist)`,
    )
  }
  return { name, docId, visibility, namespaces: checked }
}

export function validatePeerSpecs(value: unknown, docExists: (docId: string) => boolean): SimulatedPeerSpec[] {
  if (!Array.isArray(value) || value.length === 0) fail("peers must be a non-empty list")
  return value.map((spec: unknown, index: number) => validatePeerSpec(spec, `peers[${index}]`, docExists))
}

export function validatePatch(value: unknown): SimulatedPeerPatch {
  if (!isRecord(value) || !isRecord(value.namespaces)) fail("patch must be {namespaces: {...}}")
  const namespaces: SimulatedPeerPatch["namespaces"] = {}
  for (const [namespace, spec] of Object.entries(value.namespaces)) {
    namespaceName(namespace, "patch.namespaces")
    namespaces[namespace] = spec === null ? null : validateNamespace(spec, `patch.namespaces.${namespace}`)
  }
  return { namespaces }
}
