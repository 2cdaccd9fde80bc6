/**
 * The rows the log list shows, for one filter: kept incrementally, never
 * rebuilt per frame. New records are tested once as they arrive; evicted ones
 * fall off the front; a clear (new log generation) starts over. A new filter
 * means a new index, which scans the buffer in time-boxed steps so that even
 * a search over 100,000 events never blocks the panel for long. A filter that
 * narrows the previous one (one more letter typed into the search) tests only
 * the previous index's matches, then what that index had not scanned yet.
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
  #tested = 0
  /** Narrowing: the records the previous index matched, tested first (then records from #scanned on). */
  #candidates: Float64Array | undefined
  #candidateAt = 0

  /** `narrowing`: an index whose filter lets through all this one does (see `narrows`). */
  constructor(filter: LogFilter, nested: boolean, narrowing?: FilteredIndex) {
    this.filter = filter
    this.nested = nested
    this.#needle = needleOf(filter)
    if (narrowing) this.#startFrom(narrowing)
  }

  #startFrom(previous: FilteredIndex): void {
    const seqs: number[] = []
    for (let at = previous.#head; at < previous.#tail; at++) {
      const row = previous.#rows[at]!
      if (rowSub(row) === 0) seqs.push(rowSeq(row))
    }
    // A previous index still narrowing had candidates left to test: they stay candidates (all later than its rows).
    const left = previous.#candidates?.subarray(previous.#candidateAt) ?? []
    for (const seq of left) seqs.push(seq)
    this.#candidates = Float64Array.from(seqs)
    this.#generation = previous.#generation
    this.#scanned = previous.#scanned
  }

  /** Records tested so far (a narrowing index tests fewer). */
  get tested(): number {
    return this.#tested
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
    if (this.#generation !== log.generation) return log.size
    const candidates = this.#candidates ? this.#candidates.length - this.#candidateAt : 0
    return candidates + log.end - Math.max(this.#scanned, log.start)
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
      this.#candidates = undefined
    }
    changed = this.#evict(log.start) || changed
    let sinceCheck = 0
    const candidates = this.#candidates
    if (candidates) {
      while (this.#candidateAt < candidates.length) {
        if (++sinceCheck === RECORDS_PER_CLOCK_CHECK) {
          sinceCheck = 0
          if (overBudget()) return { changed, done: false }
        }
        const seq = candidates[this.#candidateAt++]!
        if (seq >= log.start && seq < log.end) changed = this.#test(log, seq) || changed
      }
      this.#candidates = undefined
    }
    let seq = Math.max(this.#scanned, log.start)
    while (seq < log.end) {
      if (++sinceCheck === RECORDS_PER_CLOCK_CHECK) {
        sinceCheck = 0
        if (overBudget()) break
      }
      changed = this.#test(log, seq) || changed
      seq++
    }
    this.#scanned = seq
    return { changed, done: seq >= log.end }
  }

  /** Adds the record's rows if it matches. */
  #test(log: EventLog, seq: number): boolean {
    const record = recordAt(log, seq)!
    this.#tested++
    if (!matches(record, this.filter, this.#needle)) return false
    this.#push(rowId(seq))
    this.#events++
    if (this.nested && record.event.kind === "sync-message" && Array.isArray(record.event.commands)) {
      const commands = Math.min(record.event.commands.length, ROWS_PER_RECORD - 1)
      for (let sub = 1; sub <= commands; sub++) this.#push(rowId(seq, sub))
    }
    return true
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
