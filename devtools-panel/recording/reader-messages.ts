/**
 * What the panel and its recording reader (a Worker) say to each other. The
 * reader sends the decoded lines in chunks so that no single message takes
 * the panel long to receive: a chunk is copied into the panel's thread as one
 * task, and a 500,000-event file in one message would be a task of seconds.
 */
import type { DecodedRecording, RecordingLimits } from "./decode"
import type { RecordingErrorCode } from "./errors"
import type { RecordingLine, RecordingMeta } from "./format"

export interface OpenRequest {
  type: "open"
  file: Blob
  limits: Partial<RecordingLimits>
}

export type ReaderMessage =
  /** Fraction (0..1) of the file read. */
  | { type: "progress"; fraction: number }
  | { type: "lines"; lines: RecordingLine[] }
  /** Every chunk of lines was sent before this. */
  | { type: "done"; meta: RecordingMeta; cut?: DecodedRecording["cut"] }
  | { type: "failed"; code?: RecordingErrorCode; message: string }

/** Hook events per `lines` message: a few milliseconds of copying on the panel's side. */
export const EVENTS_PER_CHUNK = 4_000
