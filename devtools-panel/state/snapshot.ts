/**
 * The plain JSON view of the state that end-to-end tests read as
 * `window.__ephemeraPanelState` and compare with the page's own stores.
 * Every namespace of every room of every repo is in it, on screen or not.
 */
import type { WireValue } from "../../protocol/messages"
import { lostTotal, type PanelState } from "./panel-state"

export interface EntrySnapshot {
  /** Absent for tombstones. */
  value?: WireValue
  deleted: boolean
  /** Absent when the hook did not know it. */
  timestamp?: number
}

export interface PanelStateSnapshot {
  repos: Array<{
    repoId: string
    label: string
    peerId: string
    gone: boolean
    rooms: Array<{ docId: string; namespaces: Record<string, Record<string, EntrySnapshot>> }>
  }>
  /** Window messages the relay refused (relay stats). */
  dropped: number
  /** Missing batches plus events the hook dropped. */
  lost: number
}

export function snapshotOf(state: PanelState): PanelStateSnapshot {
  return {
    repos: [...state.repos.values()].map(repo => ({
      repoId: repo.info.repoId,
      label: repo.info.label,
      peerId: repo.info.peerId,
      gone: repo.gone,
      rooms: [...repo.rooms.values()].map(room => {
        // Keys are page data: a null prototype keeps "__proto__" an ordinary key.
        const namespaces: Record<string, Record<string, EntrySnapshot>> = Object.create(null)
        for (const [namespace, entries] of room.namespaces) {
          const keys: Record<string, EntrySnapshot> = Object.create(null)
          for (const [key, entry] of entries) {
            keys[key] = {
              ...(entry.deleted ? {} : { value: entry.value }),
              deleted: entry.deleted,
              ...(entry.timestamp !== undefined ? { timestamp: entry.timestamp } : {}),
            }
          }
          namespaces[namespace] = keys
        }
        return { docId: room.docId, namespaces }
      }),
    })),
    dropped: state.relay.dropped,
    lost: lostTotal(state),
  }
}
