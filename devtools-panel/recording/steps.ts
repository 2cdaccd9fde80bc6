/**
 * Steps: the unit of the timeline. Every hook event is one step, and so is
 * every other message (a registration, a page status). A recording's
 * position p is "after its first p steps", so 0 is the opening checkpoint.
 * A message holding many steps is applied cut short to stop inside it: the
 * state at any position is the same however the cursor got there.
 */
import type { BackgroundToPanelMessage, HookEvent, HookToPanelMessage } from "../../protocol/messages"
import type { Checkpoint, Recording } from "./format"

export interface RecordedMessage {
  readonly t: number
  readonly message: BackgroundToPanelMessage
}

export interface RecordingMark {
  readonly position: number
  readonly t: number
  readonly label: string
}

export interface StepIndex {
  readonly baseline: Checkpoint & { readonly t: number }
  readonly records: readonly RecordedMessage[]
  /** Steps before record r; firstStep[records.length] is the total. */
  readonly firstStep: Float64Array
  readonly marks: readonly RecordingMark[]
  /** Checkpoints in the file after the opening one. */
  readonly fileCheckpoints: number
  readonly total: number
  readonly startT: number
  readonly endT: number
}

export function stepsIn(message: BackgroundToPanelMessage): number {
  if (message.type !== "background/page-batch") return 1
  let steps = 0
  for (const inner of message.batch.messages) steps += inner.type === "repo/events" ? inner.events.length : 1
  return steps
}

export function indexSteps(recording: Recording): StepIndex {
  const [first] = recording.lines
  if (first?.kind !== "checkpoint") throw new Error("a recording starts with a checkpoint")
  const records: RecordedMessage[] = []
  const pendingMarks: Array<{ record: number; t: number; label: string }> = []
  let fileCheckpoints = 0
  for (const line of recording.lines.slice(1)) {
    if (line.kind === "message") records.push({ t: line.t, message: line.message })
    else if (line.kind === "mark") pendingMarks.push({ record: records.length, t: line.t, label: line.label })
    else fileCheckpoints++
  }
  const firstStep = new Float64Array(records.length + 1)
  for (let r = 0; r < records.length; r++) firstStep[r + 1] = firstStep[r]! + stepsIn(records[r]!.message)
  const total = firstStep[records.length]!
  const lastT = records.length > 0 ? records[records.length - 1]!.t : first.t
  return {
    baseline: first,
    records,
    firstStep,
    marks: pendingMarks.map(mark => ({ position: firstStep[mark.record]!, t: mark.t, label: mark.label })),
    fileCheckpoints,
    total,
    startT: first.t,
    endT: Math.max(lastT, recording.meta.endedAt, ...pendingMarks.map(mark => mark.t)),
  }
}

/** The record holding the position-th step (1-based): the last r with firstStep[r] < position. */
export function recordOfStep(index: StepIndex, position: number): number {
  let low = 0
  let high = index.records.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (index.firstStep[mid]! < position) low = mid
    else high = mid - 1
  }
  return low
}

/** The message with only its first `keep` steps (the messages before them included, nothing after). */
export function cutMessage(message: BackgroundToPanelMessage, keep: number): BackgroundToPanelMessage {
  if (message.type !== "background/page-batch") return message
  const messages: HookToPanelMessage[] = []
  let left = keep
  for (const inner of message.batch.messages) {
    if (inner.type === "repo/events") {
      if (inner.events.length === 0) {
        if (left > 0) messages.push(inner)
        continue
      }
      if (left === 0) break
      const taken = Math.min(left, inner.events.length)
      messages.push(taken === inner.events.length ? inner : { ...inner, events: inner.events.slice(0, taken) })
      left -= taken
    } else {
      if (left === 0) break
      messages.push(inner)
      left--
    }
  }
  return { ...message, batch: { ...message.batch, messages } }
}

/** What the step at a position is: a hook event, or a whole message. */
export type Step =
  | { readonly kind: "event"; readonly event: HookEvent; readonly t: number }
  | { readonly kind: "message"; readonly type: string; readonly repoId?: string; readonly t: number }

export function stepAt(index: StepIndex, position: number): Step | undefined {
  if (position < 1 || position > index.total) return undefined
  const r = recordOfStep(index, position)
  const { t, message } = index.records[r]!
  let left = position - index.firstStep[r]!
  if (message.type !== "background/page-batch") return { kind: "message", type: message.type, t }
  for (const inner of message.batch.messages) {
    const size = inner.type === "repo/events" ? inner.events.length : 1
    if (left <= size) {
      if (inner.type === "repo/events") return { kind: "event", event: inner.events[left - 1]!, t }
      return { kind: "message", type: inner.type, repoId: "repoId" in inner ? String(inner.repoId) : undefined, t }
    }
    left -= size
  }
  return undefined
}

/** The last position whose step happened at or before t. */
export function positionAtTime(index: StepIndex, t: number): number {
  let low = -1
  let high = index.records.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (index.records[mid]!.t <= t) low = mid
    else high = mid - 1
  }
  return low < 0 ? 0 : index.firstStep[low + 1]!
}

/** The time of a position's step (the checkpoint's time at 0). */
export function timeAt(index: StepIndex, position: number): number {
  if (position < 1 || index.records.length === 0) return index.startT
  return index.records[recordOfStep(index, Math.min(position, index.total))]!.t
}
