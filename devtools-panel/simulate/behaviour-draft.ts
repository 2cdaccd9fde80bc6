/**
 * A behaviour as the form holds it (numbers straight from number inputs,
 * keyframes as text) and its conversion to the protocol's BehaviourSpec,
 * with one inline error per field. The limits mirror the engine's own
 * checks (injected/simulate/spec-validation.ts), so the user sees them
 * before the request leaves the panel; the engine still checks everything.
 */
import type { WireValue } from "../../protocol/messages"
import type { BehaviourKind, BehaviourSpec, JsonValue } from "../../protocol/simulate"
import { isWireObject } from "../values/summary"
import { formatJson } from "./json-text"
import { booleanFields, hasPosition, walkDefaults } from "./room-samples"
import { expandTemplate, formatTemplate, parseTemplate, type PeerVars, Slot, sampleOf, type Template } from "./template"

export const MAX_RATE_HZ = 60
export const MIN_PERIOD_MS = 16
const DEFAULT_RATE_HZ = 10
const DEFAULT_PERIOD_MS = 1500

export interface BehaviourDraft {
  kind: BehaviourKind
  rateHz: number | null
  step: number | null
  xMin: number | null
  xMax: number | null
  yMin: number | null
  yMax: number | null
  field: string
  periodMs: number | null
  /** Keyframes as JSON text: [{"at": ms, "value": …}, …]. */
  frames: string
  loop: boolean
}

export type BehaviourField = "rateHz" | "step" | "bounds" | "field" | "periodMs" | "frames"
export type BehaviourErrors = Partial<Record<BehaviourField, string>>

/** A keyframe whose value is a template, filled in per peer. */
export interface KeyframeTemplate {
  at: number
  value: Template
}

/** A behaviour as checked, keyframe values still templates. */
export type BehaviourTemplate =
  | Exclude<BehaviourSpec, { kind: "keyframes" }>
  | { kind: "keyframes"; frames: KeyframeTemplate[]; loop?: boolean; durationMs?: number }

export type BehaviourCheck = { ok: true; behaviour: BehaviourTemplate } | { ok: false; errors: BehaviourErrors }

/** One peer's behaviour: keyframe values filled in. */
export function expandBehaviour(behaviour: BehaviourTemplate, vars: PeerVars): BehaviourSpec {
  if (behaviour.kind !== "keyframes") return behaviour
  return { ...behaviour, frames: behaviour.frames.map(frame => ({ at: frame.at, value: expandTemplate(frame.value, vars) })) }
}

/**
 * Every field filled, whatever the kind, so switching kinds keeps sensible
 * values. `value` is the namespace's template (keyframes start from it),
 * `sample` one peer's filling of it.
 */
function baseDraft(value: Template, sample: JsonValue, samples: readonly WireValue[], kind: BehaviourKind): BehaviourDraft {
  const walk = walkDefaults(samples)
  return {
    kind,
    rateHz: DEFAULT_RATE_HZ,
    step: walk.step,
    xMin: walk.bounds.x[0],
    xMax: walk.bounds.x[1],
    yMin: walk.bounds.y[0],
    yMax: walk.bounds.y[1],
    field: booleanFields(sample)[0] ?? "",
    periodMs: DEFAULT_PERIOD_MS,
    frames: formatTemplate([
      { at: 0, value },
      { at: 1000, value },
    ]),
    loop: true,
  }
}

/** Cursors walk, flags toggle, everything else stays put (`sample`: one peer's filling of the template). */
export function defaultBehaviour(value: Template, samples: readonly WireValue[], sample = sampleOf(value)): BehaviourDraft {
  const kind: BehaviourKind = hasPosition(sample) ? "random-walk" : booleanFields(sample).length > 0 ? "toggle" : "static"
  return baseDraft(value, sample, samples, kind)
}

/** A live peer's behaviour back in the form, for editing. */
export function draftFromSpec(spec: BehaviourSpec, value: JsonValue, samples: readonly WireValue[]): BehaviourDraft {
  const draft = baseDraft(value, value, samples, spec.kind)
  switch (spec.kind) {
    case "static":
      return draft
    case "random-walk":
      return {
        ...draft,
        rateHz: spec.rateHz,
        step: spec.step,
        xMin: spec.bounds.x[0],
        xMax: spec.bounds.x[1],
        yMin: spec.bounds.y[0],
        yMax: spec.bounds.y[1],
      }
    case "toggle":
      return { ...draft, field: spec.field, periodMs: spec.periodMs }
    case "keyframes":
      return { ...draft, frames: formatJson(spec.frames as unknown as JsonValue), loop: spec.loop === true }
  }
}

const finite = (value: number | null): value is number => typeof value === "number" && Number.isFinite(value)

function isTemplateObject(value: Template): value is { [key: string]: Template } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Slot)
}

/** Keyframes as typed: a list of {at, value}, values templates like the namespace's own. */
function checkFrames(text: string): { frames?: KeyframeTemplate[]; error?: string } {
  const parsed = parseTemplate(text)
  if (!parsed.ok) return { error: parsed.error }
  const list = parsed.template
  if (!Array.isArray(list) || list.length === 0) return { error: 'Keyframes are a list: [{"at": 0, "value": …}, …]' }
  const frames: KeyframeTemplate[] = []
  for (const [index, frame] of list.entries()) {
    if (!isTemplateObject(frame) || !Object.hasOwn(frame, "value")) return { error: `Frame ${index + 1} needs "at" (ms) and "value"` }
    if (typeof frame.at !== "number" || frame.at < 0) return { error: `Frame ${index + 1}: "at" must be a number of ms, 0 or more` }
    frames.push({ at: frame.at, value: frame.value! })
  }
  return { frames }
}

export function behaviourFromDraft(draft: BehaviourDraft, value: JsonValue): BehaviourCheck {
  const errors: BehaviourErrors = {}
  switch (draft.kind) {
    case "static":
      return { ok: true, behaviour: { kind: "static" } }
    case "random-walk": {
      if (!hasPosition(value)) errors.bounds = 'A random walk moves numeric "x" and "y" fields: the value needs both'
      if (!finite(draft.rateHz) || draft.rateHz <= 0 || draft.rateHz > MAX_RATE_HZ)
        errors.rateHz = `Rate must be above 0 and at most ${MAX_RATE_HZ} Hz`
      if (!finite(draft.step) || draft.step <= 0) errors.step = "Step must be above 0"
      if (![draft.xMin, draft.xMax, draft.yMin, draft.yMax].every(finite)) errors.bounds ??= "Fill in all four bounds"
      else if (draft.xMin! > draft.xMax! || draft.yMin! > draft.yMax!) errors.bounds ??= "Each minimum must be at most its maximum"
      if (Object.keys(errors).length > 0) return { ok: false, errors }
      const bounds = { x: [draft.xMin!, draft.xMax!] as [number, number], y: [draft.yMin!, draft.yMax!] as [number, number] }
      return { ok: true, behaviour: { kind: "random-walk", rateHz: draft.rateHz!, step: draft.step!, bounds } }
    }
    case "toggle": {
      const fields = booleanFields(value)
      if (!isWireObject(value)) errors.field = 'A toggle flips a field of an object value, e.g. {"typing": false}'
      else if (!draft.field) errors.field = fields.length > 0 ? "Choose the field to flip" : "The value has no true/false field to flip"
      else if (Object.hasOwn(value, draft.field) && typeof value[draft.field] !== "boolean")
        errors.field = `"${draft.field}" is not true/false`
      if (!finite(draft.periodMs) || draft.periodMs < MIN_PERIOD_MS) errors.periodMs = `Period must be at least ${MIN_PERIOD_MS} ms`
      if (Object.keys(errors).length > 0) return { ok: false, errors }
      return { ok: true, behaviour: { kind: "toggle", field: draft.field, periodMs: draft.periodMs! } }
    }
    case "keyframes": {
      const { frames, error } = checkFrames(draft.frames)
      if (!frames) return { ok: false, errors: { frames: error } }
      return { ok: true, behaviour: { kind: "keyframes", frames, loop: draft.loop } }
    }
  }
}
