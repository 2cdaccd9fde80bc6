/**
 * The recording file format (docs/recording-format.md): shapes and constants
 * only. A file is a fixed binary header followed by a gzip-compressed stream
 * of JSON lines: a `meta` line, then checkpoints, messages and marks in the
 * order they happened. Messages are the panel's own protocol input
 * (BackgroundToPanelMessage), so opening a recording is running the panel's
 * reducer over them again.
 *
 * Bump RECORDING_FORMAT_VERSION when a line or the header changes in a way an
 * older reader would misread, and add a step to `migrations.ts`.
 * Changelog:
 * - 1: first version.
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"

export const RECORDING_FORMAT_VERSION = 1

/** "\x89EPHREC\n": a non-ASCII first byte and a newline catch files mangled by text-mode transfers (as PNG does). */
export const RECORDING_MAGIC: readonly number[] = [0x89, 0x45, 0x50, 0x48, 0x52, 0x45, 0x43, 0x0a]

/** Magic (8), format version (u32 LE), compression (u32 LE), payload byte length (u32 LE). */
export const HEADER_BYTES = 20

export const COMPRESSION_GZIP = 1

export const RECORDING_FILE_EXTENSION = ".ephrec"

/** What a file says about itself (the first line of the payload). */
export interface RecordingMeta {
  kind: "meta"
  /** Always "ephemera-devtools". */
  app: string
  extensionVersion: string
  /** PROTOCOL_VERSION of the recorded messages. */
  protocol: number
  /** The repos' library versions as the hook detected them ("5.x", or what the app passed to register). */
  libraryVersions: string[]
  /** The inspected page's origin when recording started. */
  origin: string
  startedAt: number
  endedAt: number
  /** Every repo the recording holds messages for. */
  repos: RecordedRepo[]
  /** Every peer with a key in a recorded store. */
  peers: RecordedPeer[]
  /** Values were dropped before export (keys, timestamps and sizes stay). */
  redacted: boolean
  /** The recording followed the page across reloads. */
  acrossReloads: boolean
  counts: RecordingCounts
}

export interface RecordedRepo {
  repoId: string
  label: string
  peerId: string
  libraryVersion: string
}

export interface RecordedPeer {
  peerId: string
  /** From the model's identity or a `name` field of the peer's own value; absent when redacted. */
  name?: string
  docIds: string[]
  namespaces: string[]
}

/** Written by the exporter and checked by the reader: a shortfall means the file was cut. */
export interface RecordingCounts {
  /** Lines after the meta line. */
  lines: number
  messages: number
  /** Hook events inside `repo/events` messages. */
  events: number
  checkpoints: number
  marks: number
}

/**
 * State in protocol terms: applied in order to an empty panel state, the
 * messages rebuild the repos, their models and every ephemeral store; the
 * counters restore what no message can say.
 */
export interface Checkpoint {
  messages: BackgroundToPanelMessage[]
  counters: CheckpointCounters
}

export interface CheckpointCounters {
  /** The seq of the last page batch; absent when none arrived since the page (re)loaded. */
  lastSeq?: number
  lostBatches: number
}

export type RecordingLine =
  /** The state at this moment; the first line after meta is always one. */
  | ({ kind: "checkpoint"; t: number } & Checkpoint)
  /** A message as the panel applied it; `t` is the `now` the reducer was given. */
  | { kind: "message"; t: number; message: BackgroundToPanelMessage }
  /** A moment the user marked while recording. */
  | { kind: "mark"; t: number; label: string }

export interface Recording {
  meta: RecordingMeta
  lines: RecordingLine[]
}
