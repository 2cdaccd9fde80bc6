/**
 * What the user picked and opened. Kept apart from the page state so that
 * live updates never reset it: selections are ids, expanded tree nodes are
 * paths, and both survive any number of re-renders and resyncs.
 */
import { SvelteSet } from "svelte/reactivity"
import type { KeyRef } from "../log/key-history"
import type { PanelState, RepoState, RoomState } from "../state/panel-state"

/** Separates path segments; page keys do not contain it. */
const PATH_SEPARATOR = "\u001f"

export function treePath(...segments: string[]): string {
  return segments.join(PATH_SEPARATOR)
}

export class PanelSelection {
  repoId: string | undefined = $state()
  /** Remembered so that a reloaded page's repo (new id, same label) stays selected. */
  repoLabel: string | undefined = $state()
  docId: string | undefined = $state()
  /** The highlighted peer, across every namespace and room. */
  peerId: string | undefined = $state()
  /** The keyboard cursor in the maps: treePath(namespace, key). */
  entry: string | undefined = $state()
  query = $state("")
  /** The key whose value history is open (Live view). */
  history: KeyRef | undefined = $state()
  readonly expanded = new SvelteSet<string>()
  /** Gone simulated peers the user cleared from the members table. */
  readonly clearedGone = new SvelteSet<string>()

  selectRepo(repo: RepoState): void {
    this.repoId = repo.info.repoId
    this.repoLabel = repo.info.label
  }

  selectRoom(docId: string): void {
    this.docId = docId
  }

  /** Clicking the highlighted peer again clears the highlight. */
  togglePeer(peerId: string): void {
    this.peerId = this.peerId === peerId ? undefined : peerId
  }

  toggle(path: string): void {
    if (this.expanded.has(path)) this.expanded.delete(path)
    else this.expanded.add(path)
  }

  /** Escape: the search first, then the highlight. */
  clear(): void {
    if (this.query !== "") this.query = ""
    else this.peerId = undefined
  }

  /** The selected repo; else one with the remembered label; else the first live one. */
  repo(state: PanelState): RepoState | undefined {
    if (this.repoId !== undefined) {
      const selected = state.repos.get(this.repoId)
      if (selected) return selected
    }
    const repos = [...state.repos.values()]
    return repos.find(repo => !repo.gone && repo.info.label === this.repoLabel) ?? repos.find(repo => !repo.gone) ?? repos[0]
  }

  /** The selected room of a repo, else its first. */
  room(repo: RepoState | undefined): RoomState | undefined {
    if (!repo) return undefined
    return (this.docId !== undefined ? repo.rooms.get(this.docId) : undefined) ?? repo.rooms.values().next().value
  }
}

/** Case-insensitive substring match of the search box against any of the texts. */
export function matchesQuery(query: string, ...texts: Array<string | undefined>): boolean {
  const needle = query.trim().toLowerCase()
  if (needle === "") return true
  return texts.some(text => text?.toLowerCase().includes(needle) === true)
}
