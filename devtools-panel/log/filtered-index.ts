/**
 * The rows the log list shows, for one filter: kept incrementally, never
 * rebuilt per frame. New records are tested once as they arrive; evicted ones
 * fall off the front; a clear (new log generation) starts over. A new filter
 * means a new index, which scans the buffer in time-boxed steps so that even
 * a search over 100,000 events never blocks the panel for long.
 *
 * A row is a number: seq * ROWS_PER_RECORD + sub, where sub 0 is the event
 * and sub n > 0 the n-th command a synchronizer message produced (shown
 * nested under it). Rows stay sorted, so finding one is a binary search.
 */
import { recordAt, type EventLog } from "../state/event-log"
import { matches, needleOf, type LogFilter } from "./filter"

/** The hook caps commands per message at 500 (plus a marker); the rest would not fit a row id. */
export const ROWS_PER_RECORD = 1024

export function rowId(seq: number, sub = 0): number {
  return seq * ROWS_PER_RECORD + sub
}

export function rowSeq(row: number): number {
  return Math.floor(row / ROWS_PER_RECORD)
}

export function rowSub(row: number): number {
  return row % ROWS_PER_RECORD
}

/** How often the scan looks at the clock. */
const RECORDS_PER_CLOCK_CHECK = 64

export class FilteredIndex {
  readonly filter: LogFilter
  /** Commands as rows of their own under each synchronizer message. */
  readonly nested: boolean
  readonly #needle: string | undefined
  #rows = new Float64Array(4096)
  #head = 0
  #tail = 0
  #events = 0
  #scanned = 0
  #generation = -1

  constructor(filter: LogFilter, nested: boolean) {
    this.filter = filter
    this.nested = nested
    this.#needle = needleOf(filter)
  }

  /** Rows (events and nested commands). */
  get count(): number {
    return this.#tail - this.#head
  }

  /** Events that match. */
  get events(): number {
    return this.#events
  }

  /** Records not tested yet. */
  pending(log: EventLog): number {
    return this.#generation === log.generation ? log.end - Math.max(this.#scanned, log.start) : log.size
  }

  rowAt(index: number): number | undefined {
    return index >= 0 && index < this.count ? this.#rows[this.#head + index] : undefined
  }

  /** The index of the first row >= `row` (count when none). */
  lowerBound(row: number): number {
    let low = this.#head
    let high = this.#tail
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.#rows[middle]! < row) low = middle + 1
      else high = middle
    }
    return low - this.#head
  }

  /** The index of `row`, or -1. */
  indexOf(row: number): number {
    const index = this.lowerBound(row)
    return this.rowAt(index) === row ? index : -1
  }

  /**
   * Catches up with `log` until done or `overBudget()` says stop.
   * Returns whether the rows changed and whether the index is complete.
   */
  update(log: EventLog, overBudget: () => boolean = () => false): { changed: boolean; done: boolean } {
    let changed = false
    if (log.generation !== this.#generation) {
      changed = this.count > 0
      this.#head = this.#tail = this.#events = 0
      this.#scanned = log.start
      this.#generation = log.generation
    }
    changed = this.#evict(log.start) || changed
    let seq = Math.max(this.#scanned, log.start)
    let sinceCheck = 0
    while (seq < log.end) {
      if (++sinceCheck === RECORDS_PER_CLOCK_CHECK) {
        sinceCheck = 0
        if (overBudget()) break
      }
      const record = recordAt(log, seq)!
      if (matches(record, this.filter, this.#needle)) {
        this.#push(rowId(seq))
        this.#events++
        if (this.nested && record.event.kind === "sync-message" && Array.isArray(record.event.commands)) {
          const commands = Math.min(record.event.commands.length, ROWS_PER_RECORD - 1)
          for (let sub = 1; sub <= commands; sub++) this.#push(rowId(seq, sub))
        }
        changed = true
      }
      seq++
    }
    this.#scanned = seq
    return { changed, done: seq >= log.end }
  }

  #evict(start: number): boolean {
    const first = rowId(start)
    const before = this.#head
    while (this.#head < this.#tail && this.#rows[this.#head]! < first) {
      if (rowSub(this.#rows[this.#head]!) === 0) this.#events--
      this.#head++
    }
    return this.#head !== before
  }

  #push(row: number): void {
    if (this.#tail === this.#rows.length) {
      if (this.#head > this.#rows.length / 2) {
        // Mostly evicted rows in front: slide the live ones down instead of growing.
        this.#rows.copyWithin(0, this.#head, this.#tail)
        this.#tail -= this.#head
        this.#head = 0
      } else {
        const grown = new Float64Array(this.#rows.length * 2)
        grown.set(this.#rows.subarray(this.#head, this.#tail))
        this.#tail -= this.#head
        this.#head = 0
        this.#rows = grown
      }
    }
    this.#rows[this.#tail++] = row
  }
}
