/**
 * The log view's UI state: filter, the filtered index, the keyboard cursor,
 * the detail pane. Kept per panel store (not per component), so switching to
 * another tab and back keeps filters, selection and scroll.
 *
 * New records are indexed as they arrive (a few per frame); a new filter
 * rescans the buffer in slices of SLICE_MS between frames, so a search over
 * 100,000 events never blocks the panel for long. The list itself refreshes
 * at most every `refreshMs` while events stream in: nobody reads 3,000 rows
 * a second, and repainting the list on every frame is most of what a fast
 * stream would cost.
 */
import type { HookEventKind } from "../../../protocol/messages"
import { EVENT_KINDS, narrows, NO_FILTER, type LogFilter } from "../../log/filter"
import { FilteredIndex, rowSeq } from "../../log/filtered-index"
import { clearLog, recordAt, setLogCapacity, setLogPaused, type EventLog, type LogRecord } from "../../state/event-log"
import type { PanelState } from "../../state/panel-state"
import type { LogSource } from "./log-source"

/** Longest stretch of indexing per task: well under the 50 ms of a long task. */
const SLICE_MS = 8

export class LogViewModel {
  filter: LogFilter = $state.raw(NO_FILTER)
  /** Commands as rows of their own under their synchronizer message. */
  nested = $state(true)
  index: FilteredIndex = $state.raw(new FilteredIndex(NO_FILTER, true))
  /** Bumped when the list should re-read the index's rows. */
  revision = $state(0)
  /** The log as of the last refresh: rows resolve against it, so they stay put between refreshes. */
  shownLog: EventLog | undefined = $state.raw()
  /** Least time between two list refreshes while events stream in (component tests use 0). */
  refreshMs = 100
  /** Records the index has not tested yet (a rescan in progress). */
  pending = $state(0)
  /** The keyboard cursor: a row id (stable while rows come and go). */
  cursor: number | undefined = $state()
  detailOpen = $state(false)
  /** Stick to the newest row. */
  follow = $state(true)
  showRates = $state(false)
  /** Bumped to ask the list to bring the cursor into view. */
  revealRequest = $state(0)

  readonly #store: LogSource
  #log: EventLog | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #lastRefresh = -Infinity

  constructor(store: LogSource) {
    this.#store = store
  }

  /**
   * A new version of the log arrived. The index catches up at most every
   * `refreshMs` (and the list with it, against the same log version, so rows
   * and counts always agree); a rescan in progress continues at once.
   */
  sync(log: EventLog): void {
    this.#log = log
    if (this.#timer !== undefined) return
    const wait = this.#lastRefresh + this.refreshMs - performance.now()
    if (wait > 0 && this.pending === 0) this.#timer = setTimeout(() => this.#catchUp(), wait)
    else this.#catchUp()
  }

  #catchUp(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const log = this.#log
    if (!log) return
    const deadline = performance.now() + SLICE_MS
    const { changed, done } = this.index.update(log, () => performance.now() > deadline)
    this.#lastRefresh = performance.now()
    // Unchanged rows still resolve in the older log version: records never change in place.
    if (changed || this.shownLog === undefined || this.shownLog.generation !== log.generation) {
      this.shownLog = log
      this.revision++
    }
    this.pending = done ? 0 : this.index.pending(log)
    // The rest of a rescan runs in later tasks, between frames.
    if (!done) this.#timer = setTimeout(() => this.#catchUp(), 0)
  }

  setFilter(patch: Partial<LogFilter>): void {
    this.filter = { ...this.filter, ...patch }
    this.#reindex()
  }

  toggleKind(kind: HookEventKind): void {
    const kinds = new Set(this.filter.kinds)
    if (kinds.has(kind)) kinds.delete(kind)
    else kinds.add(kind)
    this.setFilter({ kinds })
  }

  /** Shows only `kind`, or every kind again when it was the only one. */
  soloKind(kind: HookEventKind): void {
    const only = this.filter.kinds.size === 1 && this.filter.kinds.has(kind)
    this.setFilter({ kinds: new Set(only ? EVENT_KINDS : [kind]) })
  }

  resetFilter(): void {
    this.filter = NO_FILTER
    this.#reindex()
  }

  setNested(nested: boolean): void {
    this.nested = nested
    this.#reindex()
  }

  /** The record under the cursor, while the buffer still holds it. */
  cursorRecord(log: EventLog): LogRecord | undefined {
    return this.cursor === undefined ? undefined : recordAt(log, rowSeq(this.cursor))
  }

  /** Moves the cursor to `row` (say, a related event) and scrolls to it. */
  reveal(row: number): void {
    this.cursor = row
    this.follow = false
    this.revealRequest++
  }

  setPaused(paused: boolean): void {
    this.#changeLog(log => setLogPaused(log, paused))
  }

  clear(): void {
    this.cursor = undefined
    this.detailOpen = false
    this.follow = true
    this.#changeLog(clearLog)
  }

  setCapacity(capacity: number): void {
    this.#changeLog(log => setLogCapacity(log, capacity))
  }

  #changeLog(change: (log: EventLog) => EventLog): void {
    this.#store.change((state: PanelState) => {
      const log = change(state.log)
      return log === state.log ? state : { ...state, log }
    })
    // The user acted: show the result now, not at the next refresh.
    this.#log = this.#store.state.log
    this.#catchUp()
  }

  /** A user action: the rows change at once, not at the next refresh. */
  #reindex(): void {
    const previous = this.index
    this.index = new FilteredIndex(this.filter, this.nested, narrows(this.filter, previous.filter) ? previous : undefined)
    this.#catchUp()
  }
}

const models = new WeakMap<LogSource, LogViewModel>()

export function logViewModel(store: LogSource): LogViewModel {
  let model = models.get(store)
  if (!model) {
    model = new LogViewModel(store)
    models.set(store, model)
  }
  return model
}
