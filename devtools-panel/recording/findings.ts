/**
 * A recording's findings: the same detectors run over the recorded
 * messages, in recorded time (the panel's ticks are replayed from the
 * messages' times, so silence is noticed as it was live). Each finding is
 * placed on the timeline at the step of the event that first showed it.
 * The panel computes them in slices between frames (findingsOfRecordingInSlices).
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import type { TimelineMarker } from "./markers"
import type { StepIndex } from "./steps"
import type { DiagnosticsConfig } from "../diagnostics/config"
import type { Finding } from "../diagnostics/finding"
import { PanelDiagnostics } from "../diagnostics/panel-diagnostics"
import { textOf } from "../diagnostics/text"

/** The panel ticks its detectors about this often; a recording's gaps are ticked the same way. */
const TICK_MS = 1_000

export interface RecordingFindings {
  /** Newest activity first, as the Findings view lists them. */
  readonly findings: readonly Finding[]
  /** Where each finding first showed, for the timeline and for seeking. */
  readonly positions: ReadonlyMap<string, number>
  readonly markers: readonly TimelineMarker[]
}

/** All at once (tests, the benchmark). */
export function findingsOfRecording(index: StepIndex, config: Partial<DiagnosticsConfig> = {}): RecordingFindings {
  const run = findingSteps(index, config)
  for (;;) {
    const step = run.next()
    if (step.done) return step.value
  }
}

/** The same, yielding to the page (`pause`) every `sliceMs` so opening a large recording stays responsive. */
export async function findingsOfRecordingInSlices(
  index: StepIndex,
  pause: () => Promise<void>,
  sliceMs = 8,
  config: Partial<DiagnosticsConfig> = {},
): Promise<RecordingFindings> {
  const run = findingSteps(index, config)
  let deadline = performance.now() + sliceMs
  for (;;) {
    const step = run.next()
    if (step.done) return step.value
    if (performance.now() > deadline) {
      await pause()
      deadline = performance.now() + sliceMs
    }
  }
}

/** Yields after every record, so a caller can decide when to pause. */
function* findingSteps(index: StepIndex, config: Partial<DiagnosticsConfig>): Generator<void, RecordingFindings> {
  const diagnostics = new PanelDiagnostics(config)
  const positions = new Map<string, number>()
  const markers: TimelineMarker[] = []
  let current: { record: number; message: BackgroundToPanelMessage; t: number } | undefined
  let lastTick = index.baseline.t
  diagnostics.engine.onRaise((finding, isNew) => {
    if (!isNew || !current) return
    const position = stepOfEvidence(index, current.record, current.message, finding)
    positions.set(finding.id, position)
    markers.push({ position, t: current.t, kind: "finding", label: textOf(finding.summary), severity: finding.severity })
  })
  for (const message of index.baseline.messages) diagnostics.receive(message, index.baseline.t)
  for (let record = 0; record < index.records.length; record++) {
    const { t, message } = index.records[record]!
    yield
    // Time that passed with nothing recorded, ticked as the live panel would have.
    current = { record, message, t }
    for (let tick = lastTick + TICK_MS; tick < t; tick += TICK_MS) diagnostics.tick(tick)
    lastTick = Math.max(lastTick, t)
    diagnostics.receive(message, t)
  }
  current =
    index.records.length > 0 ? { record: index.records.length - 1, message: index.records.at(-1)!.message, t: index.endT } : undefined
  diagnostics.tick(index.endT)
  return { findings: diagnostics.engine.book.list(), positions, markers }
}

/** The step of the event the finding's first evidence names, within the record that raised it; else the record's last step. */
function stepOfEvidence(index: StepIndex, record: number, message: BackgroundToPanelMessage, finding: Finding): number {
  const evidence = finding.evidence.find(item => item.kind === "event")
  let position = index.firstStep[record]!
  if (evidence?.kind === "event" && message.type === "background/page-batch") {
    for (const inner of message.batch.messages) {
      if (inner.type !== "repo/events") {
        position++
        continue
      }
      for (const event of inner.events) {
        position++
        if (inner.repoId === evidence.repoId && event.id === evidence.eventId) return position
      }
    }
  }
  return index.firstStep[record + 1]!
}
