/**
 * What end-to-end tests read from the Record view, like `__ephemeraPanelState`
 * for the live view: the state at the cursor in the same JSON shape, where the
 * cursor is, and the bytes of the last export (no download folder to read,
 * and with __ephemeraKeepExportsInMemory none to fill).
 */
import { liveRecordingReaders } from "../../recording/read-recording"
import { snapshotOf, type PanelStateSnapshot } from "../../state/snapshot"
import type { RecordingSession } from "./recording-session.svelte"

export interface RecordingCursorSnapshot {
  position: number
  total: number
  /** The hook event at the cursor, when the step there is an event. */
  eventId?: number
  t: number
  playing: boolean
}

declare global {
  interface Window {
    /** The opened recording's state at the cursor (undefined when none is open). */
    readonly __ephemeraRecordingState: PanelStateSnapshot | undefined
    readonly __ephemeraRecordingCursor: RecordingCursorSnapshot | undefined
    /** The last exported recording file, as bytes. */
    readonly __ephemeraLastExport: Uint8Array | undefined
    /** Recording readers (workers) still running: none once an open finished or was cancelled. */
    readonly __ephemeraRecordingReaders: number
    /** Set to true, exports only fill __ephemeraLastExport (no download). */
    __ephemeraKeepExportsInMemory: boolean
  }
}

export function exposeRecordingForTests(target: Window, session: RecordingSession): void {
  const getters: Record<string, () => unknown> = {
    __ephemeraRecordingState: () => (session.player ? snapshotOf(session.player.state) : undefined),
    __ephemeraRecordingCursor: () => {
      const player = session.player
      if (!player) return undefined
      return { position: player.position, total: player.total, eventId: player.eventId, t: player.time, playing: player.playing }
    },
    __ephemeraLastExport: () => session.lastExport,
    __ephemeraRecordingReaders: () => liveRecordingReaders(),
  }
  for (const [name, get] of Object.entries(getters)) Object.defineProperty(target, name, { configurable: true, get })
  Object.defineProperty(target, "__ephemeraKeepExportsInMemory", {
    configurable: true,
    get: () => session.keepExportsInMemory,
    set: (keep: unknown) => (session.keepExportsInMemory = keep === true),
  })
}
