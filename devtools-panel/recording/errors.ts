/**
 * Why a file could not be opened. Every message names what is wrong in
 * words a user can act on; the code lets tests and the view tell the cases
 * apart without matching text.
 */
import { formatCount } from "../values/format"

export type RecordingErrorCode = "empty" | "not-a-recording" | "future-version" | "unsupported" | "too-large" | "truncated" | "corrupted"

export class RecordingError extends Error {
  override readonly name = "RecordingError"
  constructor(
    readonly code: RecordingErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export function truncated(expected: number, found: number, unit: string, detail = ""): RecordingError {
  return new RecordingError(
    "truncated",
    `Recording is truncated: expected ${formatCount(expected)} ${unit}, found ${formatCount(found)}${detail}`,
  )
}

export function corrupted(what: string): RecordingError {
  return new RecordingError("corrupted", `Recording is corrupted: ${what}`)
}

/** A short, readable description of anything thrown. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}
