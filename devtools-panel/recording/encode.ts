/**
 * Writing a recording file: the meta line and every line as JSON, gzip, and
 * the binary header in front (docs/recording-format.md).
 */
import { gzipLines } from "./compression"
import { HEADER_BYTES, type Recording, type RecordingCounts, type RecordingLine } from "./format"
import { writeHeader } from "./header"
import { eventsIn } from "./validate-lines"

export function countLines(lines: readonly RecordingLine[]): RecordingCounts {
  const counts: RecordingCounts = { lines: lines.length, messages: 0, events: 0, checkpoints: 0, marks: 0 }
  for (const line of lines) {
    if (line.kind === "message") {
      counts.messages++
      counts.events += eventsIn(line.message)
    } else if (line.kind === "checkpoint") counts.checkpoints++
    else counts.marks++
  }
  return counts
}

function* jsonLines(recording: Recording): Generator<string> {
  // The counts are what a reader checks the file against: always the real ones.
  yield JSON.stringify({ ...recording.meta, counts: countLines(recording.lines) })
  for (const line of recording.lines) yield JSON.stringify(line)
}

export async function encodeRecording(recording: Recording): Promise<Uint8Array<ArrayBuffer>> {
  const payload = await gzipLines(jsonLines(recording))
  const file = new Uint8Array(HEADER_BYTES + payload.length)
  file.set(writeHeader(payload.length), 0)
  file.set(payload, HEADER_BYTES)
  return file
}
