/**
 * Saving a recording: metadata, optional redaction, encoding, and the
 * download through an `<a download>` with a Blob URL (works in extension
 * pages of both browsers, no downloads permission needed).
 */
import { encodeRecording } from "../../recording/encode"
import { RECORDING_FILE_EXTENSION, type Recording } from "../../recording/format"
import type { RecordedSession } from "../../recording/recorder"
import { redactRecording } from "../../recording/redact"
import { metaFor } from "../../recording/summarize"

export interface ExportedFile {
  bytes: Uint8Array<ArrayBuffer>
  fileName: string
}

function stamp(ms: number): string {
  const date = new Date(ms)
  const pad = (value: number) => String(value).padStart(2, "0")
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
}

export function recordingOf(session: RecordedSession, extensionVersion: string): Recording {
  return { meta: metaFor(session, extensionVersion), lines: session.lines }
}

export async function exportRecording(recording: Recording, redact: boolean): Promise<ExportedFile> {
  const chosen = redact ? redactRecording(recording) : recording
  const host = (() => {
    try {
      return new URL(chosen.meta.origin).host.replace(/[^a-z0-9.-]/gi, "_")
    } catch {
      return "page"
    }
  })()
  return {
    bytes: await encodeRecording(chosen),
    fileName: `ephemera-${host || "page"}-${stamp(chosen.meta.startedAt)}${redact ? "-redacted" : ""}${RECORDING_FILE_EXTENSION}`,
  }
}

export function download(file: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([file.bytes], { type: "application/octet-stream" }))
  const link = document.createElement("a")
  link.href = url
  link.download = file.fileName
  link.style.display = "none"
  document.body.append(link)
  link.click()
  link.remove()
  // The click has handed the Blob to the browser's download; revoke once it has had time to start.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
