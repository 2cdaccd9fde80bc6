/**
 * The Simulate form turned into protocol requests: one SimulatedPeerSpec per
 * peer for simulate/add (names auto-numbered, placeholders filled per peer),
 * or a SimulatedPeerPatch for editing a live peer. Everything the user typed
 * is checked here first, with errors keyed to the field that shows them.
 */
import type {
  SimulatedNamespaceSpec,
  SimulatedPeerInfo,
  SimulatedPeerPatch,
  SimulatedPeerSpec,
  SimulatedVisibility,
} from "../../protocol/simulate"
import { deepEqual } from "../values/deep-equal"
import { type BehaviourDraft, type BehaviourErrors, type BehaviourTemplate, behaviourFromDraft, expandBehaviour } from "./behaviour-draft"
import { expandTemplate, type PeerVars, parseTemplate, sampleOf, type Template } from "./template"
import { shapeWarnings, type ValueShape } from "./value-shape"

/** More than this in one request would make the panel, not the page, the bottleneck. */
export const MAX_PEERS_PER_ADD = 200
const MAX_NAME_LENGTH = 200

export interface NamespaceDraft {
  namespace: string
  included: boolean
  /** The value as JSON text, placeholders allowed. */
  text: string
  behaviour: BehaviourDraft
}

export interface PeerFormDraft {
  name: string
  count: number | null
  visibility: SimulatedVisibility
  docId: string | undefined
  namespaces: NamespaceDraft[]
}

/** A namespace as checked: its value and keyframes still templates, filled in per peer. */
export interface NamespaceTemplate {
  value: Template
  behaviour: BehaviourTemplate
}

export interface NamespaceCheck {
  json?: string
  behaviour: BehaviourErrors
  /** Differences from real peers' values: shown, and confirmed before sending. */
  warnings: string[]
  template?: NamespaceTemplate
}

export interface FormErrors {
  name?: string
  count?: string
  docId?: string
  namespaces?: string
}

/** One peer's namespace spec. */
export function expandNamespace(template: NamespaceTemplate, vars: PeerVars): SimulatedNamespaceSpec {
  return { value: expandTemplate(template.value, vars), behaviour: expandBehaviour(template.behaviour, vars) }
}

/**
 * Names for `count` new peers: the name itself for one, else `name-1`,
 * `name-2`, … continuing after the highest number already taken, so a second
 * "add 10" does not repeat the first one's names.
 */
export function peerNames(base: string, count: number, taken: Iterable<string>): string[] {
  const name = base.trim()
  if (count === 1) return [name]
  const prefix = `${name}-`
  let highest = 0
  for (const existing of taken) {
    if (!existing.startsWith(prefix)) continue
    const number = Number(existing.slice(prefix.length))
    if (Number.isSafeInteger(number) && number > highest) highest = number
  }
  return Array.from({ length: count }, (_, index) => `${prefix}${highest + index + 1}`)
}

/** The number at the end of a peer's name (`ghost-7` -> 7), for its placeholders when edited. */
export function peerNumber(name: string): number {
  const match = /-(\d+)$/.exec(name)
  return match ? Number(match[1]) : 1
}

export function checkNamespace(draft: NamespaceDraft, shape: ValueShape | undefined): NamespaceCheck {
  const parsed = parseTemplate(draft.text)
  if (!parsed.ok) return { json: parsed.error, behaviour: {}, warnings: [] }
  // Placeholders fill in per peer: compare one peer's filling with the real values.
  const sample = sampleOf(parsed.template)
  const warnings = shapeWarnings(shape, sample)
  const behaviour = behaviourFromDraft(draft.behaviour, sample)
  if (!behaviour.ok) return { behaviour: behaviour.errors, warnings }
  return { behaviour: {}, warnings, template: { value: parsed.template, behaviour: behaviour.behaviour } }
}

export interface FormCheck {
  errors: FormErrors
  byNamespace: Record<string, NamespaceCheck>
  /** Shape warnings of every included namespace, prefixed with the namespace. */
  warnings: string[]
  /** Present when nothing is in error. */
  namespaces?: Record<string, NamespaceTemplate>
}

export function checkForm(form: PeerFormDraft, shapes: ReadonlyMap<string, ValueShape | undefined>, editing = false): FormCheck {
  const errors: FormErrors = {}
  const name = form.name.trim()
  if (!editing) {
    if (name === "") errors.name = "Give the peer a name (several peers are numbered: name-1, name-2, …)"
    else if (name.length > MAX_NAME_LENGTH - 5) errors.name = `Keep the name under ${MAX_NAME_LENGTH - 5} characters`
    const count = form.count
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_PEERS_PER_ADD) {
      errors.count = `Add between 1 and ${MAX_PEERS_PER_ADD} peers at a time`
    }
    if (!form.docId) errors.docId = "Choose the room the peers join"
  }
  const byNamespace: Record<string, NamespaceCheck> = {}
  const namespaces: Record<string, NamespaceTemplate> = {}
  const warnings: string[] = []
  let broken = false
  for (const draft of form.namespaces) {
    if (!draft.included) continue
    const check = checkNamespace(draft, shapes.get(draft.namespace))
    byNamespace[draft.namespace] = check
    warnings.push(...check.warnings.map(warning => `${draft.namespace}: ${warning}`))
    if (check.template) namespaces[draft.namespace] = check.template
    else broken = true
  }
  if (!editing && Object.keys(byNamespace).length === 0)
    errors.namespaces = "Include at least one namespace: a peer with no values is invisible"
  const ok = !broken && Object.keys(errors).length === 0
  return { errors, byNamespace, warnings, ...(ok ? { namespaces } : {}) }
}

/** One spec per new peer; call only with a check that has `namespaces`. */
export function buildPeerSpecs(
  form: PeerFormDraft,
  namespaces: Record<string, NamespaceTemplate>,
  takenNames: Iterable<string>,
  random: () => number = Math.random,
): SimulatedPeerSpec[] {
  const names = peerNames(form.name, form.count ?? 1, takenNames)
  return names.map(name => {
    const vars = { name, n: peerNumber(name), random }
    const filled = Object.fromEntries(
      Object.entries(namespaces).map(([namespace, template]) => [namespace, expandNamespace(template, vars)]),
    )
    return { name, docId: form.docId!, visibility: form.visibility, namespaces: filled }
  })
}

/**
 * The edit of a live peer: namespaces whose value or behaviour changed (only
 * those restart), and `null` for the ones unticked. Empty when nothing changed.
 */
export function buildPatch(
  peer: SimulatedPeerInfo,
  namespaces: Record<string, NamespaceTemplate>,
  random: () => number = Math.random,
): SimulatedPeerPatch {
  const vars = { name: peer.name, n: peerNumber(peer.name), random }
  const patch: SimulatedPeerPatch["namespaces"] = {}
  for (const [namespace, template] of Object.entries(namespaces)) {
    const filled = expandNamespace(template, vars)
    if (!deepEqual(filled, peer.namespaces[namespace])) patch[namespace] = filled
  }
  for (const namespace of Object.keys(peer.namespaces)) if (!Object.hasOwn(namespaces, namespace)) patch[namespace] = null
  return { namespaces: patch }
}
