/**
 * Opening and seeking a 100,000-event recording, in Node with the code the
 * panel runs: decode (header, gzip through DecompressionStream, JSON lines,
 * checks), then the time-travel index (every message through the reducer),
 * then the timeline's markers and density, then seeks to random positions.
 * The recording's findings (the detectors over it, which the player runs in
 * slices once the timeline is up) are timed on their own.
 * The budget: open under 2 s, any seek under 100 ms. `openMs` is the
 * first open in the process (generating the file has warmed the reducer, not
 * the reader); `reopenMs` a second one.
 */
import { findingsOfRecording } from "../devtools-panel/recording/findings"
import { bytesSource } from "../devtools-panel/recording/compression"
import { decodeRecording } from "../devtools-panel/recording/decode"
import { encodeRecording } from "../devtools-panel/recording/encode"
import { densityOf, markersOf } from "../devtools-panel/recording/markers"
import { indexSteps } from "../devtools-panel/recording/steps"
import { TimeTravel } from "../devtools-panel/recording/time-travel"
import { generateRecording } from "./recording-generator"
import { percentile } from "./stats"

export interface RecordingOpenSeekResult {
  events: number
  messages: number
  fileBytes: number
  /** Decode, index, markers and density: from bytes to a timeline ready to seek. */
  openMs: number
  /** The same file opened a second time. */
  reopenMs: number
  decodeMs: number
  indexMs: number
  /** After the open: the detectors over the whole recording (the panel runs them in slices between frames). */
  findingsMs: number
  findings: number
  markers: number
  seeks: number
  seekP50Ms: number
  seekP95Ms: number
  seekMaxMs: number
}

export async function benchRecordingOpenSeek(targetEvents = 100_000, seeks = 200): Promise<RecordingOpenSeekResult> {
  const recording = generateRecording(targetEvents)
  const bytes = await encodeRecording(recording)

  const started = performance.now()
  const decoded = await decodeRecording(bytesSource(bytes))
  const decodedAt = performance.now()
  const travel = await TimeTravel.build(indexSteps(decoded))
  // What the timeline needs before it shows (player.svelte.ts).
  const markers = markersOf(travel.index)
  densityOf(travel.index, 240)
  const openedAt = performance.now()
  const findings = findingsOfRecording(travel.index)
  const findingsMs = performance.now() - openedAt
  // Again, as a panel opens its second file: everything compiled and warm.
  const again = performance.now()
  markersOf((await TimeTravel.build(indexSteps(await decodeRecording(bytesSource(bytes))))).index)
  const reopenMs = performance.now() - again

  const timings: number[] = []
  let seed = 12345
  for (let i = 0; i < seeks; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const position = seed % (travel.index.total + 1)
    const before = performance.now()
    travel.stateAt(position)
    timings.push(performance.now() - before)
  }
  timings.sort((a, b) => a - b)
  return {
    events: decoded.meta.counts.events,
    messages: decoded.meta.counts.messages,
    fileBytes: bytes.length,
    openMs: openedAt - started,
    reopenMs,
    decodeMs: decodedAt - started,
    indexMs: openedAt - decodedAt,
    findingsMs,
    findings: findings.findings.length,
    markers: markers.length + findings.markers.length,
    seeks,
    seekP50Ms: percentile(timings, 0.5),
    seekP95Ms: percentile(timings, 0.95),
    seekMaxMs: timings.at(-1) ?? 0,
  }
}

// `tsx bench/recording-open-seek.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchRecordingOpenSeek()
  console.log(JSON.stringify(result, (_, value) => (typeof value === "number" ? Math.round(value * 10) / 10 : value), 2))
}
