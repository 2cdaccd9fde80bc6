/**
 * The "sync-state" tap: the collection synchronizer emits `sync-state` each
 * time a document's sync with a peer moves (a sync message received), with
 * the automerge SyncState, whose `theirHeads` say what the peer has. The
 * hook keeps the latest per peer and document for the model.
 */
import type { AutomergeRepoTapName } from "../../../protocol/messages"
import { read } from "../shared/read"
import type { TapBoard, Teardown } from "../shared/tap-board"
import type { CollectionSynchronizerLike } from "./repo-shape"

export interface KnownSyncState {
  /** The peer's heads as raw hashes (hex), as the sync state holds them. */
  heads: string[]
  /** When the hook saw this sync state (ms since epoch). */
  at: number
}

export class SyncStates {
  readonly #latest = new Map<string, KnownSyncState>()

  get(peerId: string, docId: string): KnownSyncState | undefined {
    return this.#latest.get(`${peerId}\n${docId}`)
  }

  /** Listens to the synchronizer; `changed` after every sync state. */
  install(synchronizer: CollectionSynchronizerLike, board: TapBoard<AutomergeRepoTapName>, changed: () => void): Teardown {
    const TAP = "sync-state"
    const listener = (payload: unknown) => {
      board.counts[TAP]++
      board.guard(TAP, () => {
        const peerId = read(payload, "peerId")
        const docId = read(payload, "documentId")
        if (typeof peerId !== "string" || typeof docId !== "string") return
        const theirHeads = read(read(payload, "syncState"), "theirHeads")
        this.#latest.set(`${peerId}\n${docId}`, {
          heads: Array.isArray(theirHeads) ? theirHeads.map(String) : [],
          at: Date.now(),
        })
        changed()
      })
    }
    synchronizer.on("sync-state", listener)
    return () => synchronizer.off("sync-state", listener)
  }
}
