/**
 * An opened recording: the cursor, playback, and the state at the cursor as
 * a normal PanelState, so the live panes (and the event log) render it as
 * they render the page. Playing moves the cursor in recorded time, scaled by
 * the speed, one animation frame at a time.
 */
import { findingsOfRecordingInSlices, type RecordingFindings } from "../../recording/findings"
import type { RecordingCut } from "../../recording/decode"
import type { Recording, RecordingMeta } from "../../recording/format"
import { densityOf, markersOf, type TimelineMarker } from "../../recording/markers"
import { positionAtTime, stepAt, timeAt, type Step } from "../../recording/steps"
import { yieldToPage, type TimeTravel } from "../../recording/time-travel"
import type { PanelState } from "../../state/panel-state"

export const PLAY_SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const
export const DENSITY_BUCKETS = 240

export class Player {
  readonly travel: TimeTravel
  /** As opened: what Export writes again (redacted if asked). */
  readonly recording: Recording
  readonly meta: RecordingMeta
  readonly fileName: string
  readonly density: readonly number[]
  /** What the detectors find in the recording: computed in slices after it opens (empty until then). */
  findings: RecordingFindings = $state.raw({ findings: [], positions: new Map(), markers: [] })
  /** Whether the findings are computed. */
  findingsReady = $state(false)
  readonly #baseMarkers: readonly TimelineMarker[]
  readonly markers: readonly TimelineMarker[] = $derived.by(() =>
    [...this.#baseMarkers, ...this.findings.markers].sort((a, b) => a.position - b.position),
  )
  /** Set when the file was cut short: it opened with the events before the cut. */
  readonly cut: RecordingCut | undefined

  /** Steps applied: 0 is the opening checkpoint, total the end. */
  position = $state(0)
  playing = $state(false)
  speed = $state(1)
  /** Recorded time while playing (positions advance when it passes their time). */
  #playTime = 0
  #lastFrame = 0
  #frame: number | undefined

  readonly state: PanelState = $derived.by(() => this.travel.stateAt(this.position))
  readonly time: number = $derived.by(() => timeAt(this.travel.index, this.position))
  readonly step: Step | undefined = $derived.by(() => stepAt(this.travel.index, this.position))
  /** The hook event at the cursor, for the event log to follow. */
  readonly eventId: number | undefined = $derived(this.step?.kind === "event" ? this.step.event.id : undefined)

  constructor(travel: TimeTravel, recording: Recording, fileName: string, cut?: RecordingCut) {
    this.cut = cut
    this.travel = travel
    this.recording = recording
    this.meta = recording.meta
    this.fileName = fileName
    this.#baseMarkers = markersOf(travel.index)
    void findingsOfRecordingInSlices(travel.index, yieldToPage).then(found => {
      this.findings = found
      this.findingsReady = true
    })
    this.density = densityOf(travel.index, DENSITY_BUCKETS)
    this.position = travel.index.total
  }

  get total(): number {
    return this.travel.index.total
  }

  seek(position: number): void {
    this.position = Math.max(0, Math.min(this.total, Math.round(position)))
    this.#playTime = this.time
  }

  seekTime(t: number): void {
    this.seek(positionAtTime(this.travel.index, t))
  }

  stepBy(delta: number): void {
    this.pause()
    this.seek(this.position + delta)
  }

  /** The next (direction 1) or previous (-1) marker's position; the end or start when there is none. */
  jumpToMarker(direction: 1 | -1): void {
    this.pause()
    const markers = direction > 0 ? this.markers : [...this.markers].reverse()
    const next = markers.find(marker => (direction > 0 ? marker.position > this.position : marker.position < this.position))
    this.seek(next?.position ?? (direction > 0 ? this.total : 0))
  }

  toggle(): void {
    if (this.playing) this.pause()
    else this.play()
  }

  play(): void {
    if (this.playing) return
    if (this.position >= this.total) this.seek(0)
    this.playing = true
    this.#playTime = this.time
    this.#lastFrame = performance.now()
    this.#frame = requestAnimationFrame(this.#tick)
  }

  pause(): void {
    this.playing = false
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame)
    this.#frame = undefined
  }

  #tick = (now: number): void => {
    if (!this.playing) return
    this.#playTime += (now - this.#lastFrame) * this.speed
    this.#lastFrame = now
    const next = positionAtTime(this.travel.index, this.#playTime)
    if (next !== this.position) this.position = next
    if (this.position >= this.total) {
      this.pause()
      return
    }
    this.#frame = requestAnimationFrame(this.#tick)
  }
}
