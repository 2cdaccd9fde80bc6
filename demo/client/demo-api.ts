import type { Repo } from "@loro-extended/repo"
import type { RoomHandle, RoomNamespace } from "../shared/room"

/**
 * `window.demo`: how tests (and curious newcomers in the console) drive the
 * page. `import type` it from e2e tests.
 */
export interface DemoApi {
  /** Resolves once every peer of the page has an established, synced channel to the hub. Never rejects. */
  ready: Promise<void>
  /** The page's peers; the first is the user, the others are the `?peers=N` extras. */
  peers: DemoPeerApi[]
  /** Adds a note as the first peer. */
  addNote(text: string): void
  /** The notes as the first peer sees them. */
  notes(): string[]
  /** `room:<room>`. */
  docId: string
}

export interface DemoPeerApi {
  repo: Repo
  name: string
  peerId: string
  handle: RoomHandle
  setCursor(x: number, y: number): void
  /** Writes the cursor once per point within one millisecond; that millisecond, or undefined if the clock ticked (see RoomPeer). */
  burstCursor(points: ReadonlyArray<{ x: number; y: number }>): number | undefined
  setTyping(on: boolean): void
  /** `store.getAllStates()` of that namespace, keyed by peerId. */
  getStates(namespace: RoomNamespace): Record<string, unknown>
}

export function installDemoApi(api: DemoApi): void {
  ;(globalThis as { demo?: DemoApi }).demo = api
}
