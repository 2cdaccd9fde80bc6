/**
 * The Simulate form's state: who to add (or which live peer is being
 * edited) and one editor per namespace, pre-filled from a real peer that
 * looks like the app's clients (or the member the user chose to shape them
 * like; see simulate/peer-roles.ts). Kept outside the components so it
 * survives switching tabs.
 */
import type { WireValue } from "../../../protocol/messages"
import type { SimulatedPeerInfo, SimulatedVisibility } from "../../../protocol/simulate"
import { defaultBehaviour, draftFromSpec } from "../../simulate/behaviour-draft"
import { formatJson } from "../../simulate/json-text"
import { learnsNothingFrom, type PeerProfile, profileMembers, templateSources } from "../../simulate/peer-roles"
import type { NamespaceDraft, PeerFormDraft } from "../../simulate/peer-specs"
import { realValues, templateValue, walkDefaults } from "../../simulate/room-samples"
import { formatTemplate } from "../../simulate/template"
import type { RepoState, RoomState } from "../../state/panel-state"

/** The room the form fills its editors from. */
export interface FormRoom {
  repo: RepoState
  room: RoomState | undefined
  /** Simulated peers' ids: never learned from. */
  simulated: ReadonlySet<string>
}

export class PeerForm {
  name = $state("sim")
  count: number | null = $state(1)
  visibility: SimulatedVisibility = $state("local")
  namespaces: NamespaceDraft[] = $state([])
  /** The live peer being edited; undefined while adding. */
  editing: SimulatedPeerInfo | undefined = $state.raw()
  /** Shape warnings the user is asked to confirm before adding. */
  confirming: string[] | undefined = $state()
  /** The member the user chose to shape new peers like; undefined: a typical client. */
  shapeLike: string | undefined = $state()
  /** The member the editors' values came from, when one did. */
  templateFrom: PeerProfile | undefined = $state.raw()
  /** The room the drafts were built from (repo id + doc id + shape). */
  #source: string | undefined

  draft(docId: string | undefined): PeerFormDraft {
    return { name: this.name, count: this.count, visibility: this.visibility, docId, namespaces: this.namespaces }
  }

  /**
   * Builds editors for the room: all of them when the room (or the member to
   * shape like) changed, else only for namespaces that appeared since (edits
   * in progress stay).
   */
  sync(source: string, at: FormRoom): void {
    if (this.editing) return
    const key = `${source}\u001f${this.shapeLike ?? ""}`
    const { room } = at
    if (key !== this.#source) {
      this.#source = key
      const sources = this.#sources(at)
      this.namespaces = [...(room?.namespaces.keys() ?? [])].map(namespace => newDraft(namespace, at.room, sources))
      this.confirming = undefined
      return
    }
    const known = new Set(this.namespaces.map(draft => draft.namespace))
    const added = [...(room?.namespaces.keys() ?? [])].filter(namespace => !known.has(namespace))
    if (added.length === 0) return
    const sources = this.#sources(at)
    for (const namespace of added) this.namespaces.push(newDraft(namespace, at.room, sources))
  }

  /** Starts over from the room's current real values. */
  reset(source: string, at: FormRoom): void {
    this.#source = undefined
    this.editing = undefined
    this.sync(source, at)
  }

  /** New peers shaped like this member (undefined: a typical client); the editors are refilled. */
  like(peerId: string | undefined, source: string, at: FormRoom): void {
    this.shapeLike = peerId
    this.reset(source, at)
  }

  /** A namespace the room does not have yet (the app may create it on first write). */
  addNamespace(namespace: string, at: FormRoom): string | undefined {
    const name = namespace.trim()
    if (name === "") return "Type a namespace name"
    if (this.namespaces.some(draft => draft.namespace === name)) return `"${name}" is already in the list`
    this.namespaces.push({ ...newDraft(name, at.room, this.#sources(at, false)), included: true })
    return undefined
  }

  /** Back to adding; the editors are rebuilt from the room on the next sync. */
  cancelEdit(): void {
    this.editing = undefined
    this.#source = undefined
  }

  /** Loads a live peer's configuration; name, room and visibility are fixed from here on. */
  edit(peer: SimulatedPeerInfo, at: FormRoom): void {
    const drafts = Object.entries(peer.namespaces).map(([namespace, spec]): NamespaceDraft => {
      const samples = realValues(at.room, namespace, at.simulated)
      return { namespace, included: true, text: formatJson(spec.value), behaviour: draftFromSpec(spec.behaviour, spec.value, samples) }
    })
    for (const namespace of at.room?.namespaces.keys() ?? []) {
      if (!Object.hasOwn(peer.namespaces, namespace))
        drafts.push({ ...newDraft(namespace, at.room, this.#sources(at, false)), included: false })
    }
    this.editing = peer
    this.namespaces = drafts
    this.confirming = undefined
  }

  /** Where values come from, and whose values teach shapes and bounds: neither simulated peers nor services. */
  #sources(at: FormRoom, remember = true): Sources {
    const profiles = at.room ? profileMembers(at.repo, at.room, at.simulated) : []
    const { from, values } = templateSources(profiles, this.shapeLike)
    if (remember) this.templateFrom = from
    return { values, ignored: learnsNothingFrom(at.simulated, profiles) }
  }
}

interface Sources {
  values: ReadonlyMap<string, WireValue>
  ignored: ReadonlySet<string>
}

/**
 * One editor, from the source's value in that namespace. A namespace the
 * source does not write starts unticked: only services may write it (a
 * server's game state), and a client does not.
 */
function newDraft(namespace: string, room: RoomState | undefined, { values, ignored }: Sources): NamespaceDraft {
  const value = values.get(namespace)
  const samples = realValues(room, namespace, ignored)
  const template = templateValue(value, walkDefaults(value === undefined ? samples : [value, ...samples]).bounds)
  return { namespace, included: value !== undefined, text: formatTemplate(template), behaviour: defaultBehaviour(template, samples) }
}
