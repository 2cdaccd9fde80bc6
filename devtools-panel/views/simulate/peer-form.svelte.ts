/**
 * The Simulate form's state: who to add (or which live peer is being
 * edited) and one editor per namespace, pre-filled from real peers' values.
 * Kept outside the components so it survives switching tabs.
 */
import type { SimulatedPeerInfo, SimulatedVisibility } from "../../../protocol/simulate"
import { defaultBehaviour, draftFromSpec } from "../../simulate/behaviour-draft"
import { formatJson } from "../../simulate/json-text"
import type { NamespaceDraft, PeerFormDraft } from "../../simulate/peer-specs"
import { realValues, templateValue } from "../../simulate/room-samples"
import type { RoomState } from "../../state/panel-state"

export class PeerForm {
  name = $state("sim")
  count: number | null = $state(1)
  visibility: SimulatedVisibility = $state("local")
  namespaces: NamespaceDraft[] = $state([])
  /** The live peer being edited; undefined while adding. */
  editing: SimulatedPeerInfo | undefined = $state.raw()
  /** Shape warnings the user is asked to confirm before adding. */
  confirming: string[] | undefined = $state()
  /** The room the drafts were built from (repo id + doc id). */
  #source: string | undefined

  draft(docId: string | undefined): PeerFormDraft {
    return { name: this.name, count: this.count, visibility: this.visibility, docId, namespaces: this.namespaces }
  }

  /**
   * Builds editors for the room: all of them when the room changed, else
   * only for namespaces that appeared since (edits in progress stay).
   */
  sync(source: string, room: RoomState | undefined, simulated: ReadonlySet<string>): void {
    if (this.editing) return
    if (source !== this.#source) {
      this.#source = source
      this.namespaces = [...(room?.namespaces.keys() ?? [])].map(namespace => newDraft(namespace, room, simulated))
      this.confirming = undefined
      return
    }
    const known = new Set(this.namespaces.map(draft => draft.namespace))
    for (const namespace of room?.namespaces.keys() ?? []) {
      if (!known.has(namespace)) this.namespaces.push(newDraft(namespace, room, simulated))
    }
  }

  /** Starts over from the room's current real values. */
  reset(source: string, room: RoomState | undefined, simulated: ReadonlySet<string>): void {
    this.#source = undefined
    this.editing = undefined
    this.sync(source, room, simulated)
  }

  /** A namespace the room does not have yet (the app may create it on first write). */
  addNamespace(namespace: string, room: RoomState | undefined, simulated: ReadonlySet<string>): string | undefined {
    const name = namespace.trim()
    if (name === "") return "Type a namespace name"
    if (this.namespaces.some(draft => draft.namespace === name)) return `"${name}" is already in the list`
    this.namespaces.push(newDraft(name, room, simulated))
    return undefined
  }

  /** Back to adding; the editors are rebuilt from the room on the next sync. */
  cancelEdit(): void {
    this.editing = undefined
    this.#source = undefined
  }

  /** Loads a live peer's configuration; name, room and visibility are fixed from here on. */
  edit(peer: SimulatedPeerInfo, room: RoomState | undefined, simulated: ReadonlySet<string>): void {
    const drafts = Object.entries(peer.namespaces).map(([namespace, spec]): NamespaceDraft => {
      const samples = realValues(room, namespace, simulated)
      return { namespace, included: true, text: formatJson(spec.value), behaviour: draftFromSpec(spec.behaviour, spec.value, samples) }
    })
    for (const namespace of room?.namespaces.keys() ?? []) {
      if (!Object.hasOwn(peer.namespaces, namespace)) drafts.push({ ...newDraft(namespace, room, simulated), included: false })
    }
    this.editing = peer
    this.namespaces = drafts
    this.confirming = undefined
  }
}

function newDraft(namespace: string, room: RoomState | undefined, simulated: ReadonlySet<string>): NamespaceDraft {
  const samples = realValues(room, namespace, simulated)
  const value = templateValue(samples)
  return { namespace, included: true, text: formatJson(value), behaviour: defaultBehaviour(value, samples) }
}
