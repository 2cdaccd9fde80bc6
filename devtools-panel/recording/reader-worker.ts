/**
 * The recording reader, run as a Worker so that reading a large file never
 * blocks the panel: inflate, parse, migrate and check every line here, then
 * hand the lines over in chunks. The panel ends a reader it no longer wants
 * (Cancel, another file) by terminating it, which stops it at once.
 */
import { blobSource } from "./compression"
import { decodeRecording } from "./decode"
import { RecordingError, errorText } from "./errors"
import type { RecordingLine } from "./format"
import { EVENTS_PER_CHUNK, type OpenRequest, type ReaderMessage } from "./reader-messages"
import { eventsIn } from "./validate-lines"

const scope = globalThis as unknown as {
  postMessage(message: ReaderMessage): void
  onmessage: ((event: MessageEvent<OpenRequest>) => void) | null
}

/** Progress is sent at most this often (fractions): the panel repaints on each. */
const PROGRESS_STEP = 0.01

async function read(request: OpenRequest): Promise<void> {
  let lastProgress = -1
  const recording = await decodeRecording(blobSource(request.file), {
    limits: request.limits,
    acceptCut: true,
    onProgress: fraction => {
      if (fraction - lastProgress < PROGRESS_STEP && fraction < 1) return
      lastProgress = fraction
      scope.postMessage({ type: "progress", fraction })
    },
  })
  let chunk: RecordingLine[] = []
  let events = 0
  for (const line of recording.lines) {
    chunk.push(line)
    events += line.kind === "message" ? Math.max(1, eventsIn(line.message)) : 1
    if (events >= EVENTS_PER_CHUNK) {
      scope.postMessage({ type: "lines", lines: chunk })
      chunk = []
      events = 0
    }
  }
  if (chunk.length > 0) scope.postMessage({ type: "lines", lines: chunk })
  scope.postMessage({ type: "done", meta: recording.meta, ...(recording.cut ? { cut: recording.cut } : {}) })
}

scope.onmessage = event => {
  if (event.data?.type !== "open") return
  read(event.data).catch(error =>
    scope.postMessage(
      error instanceof RecordingError
        ? { type: "failed", code: error.code, message: error.message }
        : { type: "failed", message: errorText(error) },
    ),
  )
}
