/**
 * Reading a recording file: header, then the gzip payload streamed line by
 * line, each line parsed, migrated to the current format and checked. Any
 * problem throws a RecordingError naming it, and nothing from the file is
 * returned; with `acceptCut`, a file that was cut short (and is intact up to
 * the cut) returns the complete lines it holds, with where it was cut.
 */
import { formatCount, formatDecimal, formatFileSize } from "../values/format"
import { type ByteSource, ExpansionLimitError, inflateText } from "./compression"
import { RecordingError, corrupted, errorText, truncated } from "./errors"
import { HEADER_BYTES, RECORDING_FORMAT_VERSION, type Recording, type RecordingLine, type RecordingMeta } from "./format"
import { MAX_LOG_CAPACITY } from "../state/event-log"
import { readHeader } from "./header"
import { LineSplitter } from "./line-splitter"
import { MIGRATIONS, migratorFor, type FormatMigration, type Migrator } from "./migrations"
import { checkLine, checkMeta, eventsIn } from "./validate-lines"

export interface RecordingLimits {
  /** Compressed file size. */
  maxFileBytes: number
  /** Hook events (what the time-travel index holds in memory). */
  maxEvents: number
  /** One JSON line: a corrupt length would otherwise grow one string without end. */
  maxLineChars: number
  /** Inflated bytes, whatever the file's size. */
  maxExpandedBytes: number
  /**
   * Inflated bytes per compressed byte read so far. Recordings compress
   * about 20 times (a 100,000-event session: 27.6 MB of JSON in 1.3 MB); a
   * gzip bomb, about 1,000 times. The first minExpansionBudget bytes are
   * allowed whatever the ratio: too few to mean anything, or to cost much.
   */
  maxExpansionRatio: number
  minExpansionBudget: number
}

export const DEFAULT_LIMITS: RecordingLimits = {
  maxFileBytes: 512 * 1024 * 1024,
  // Every event of a recording the panel opens fits its Log.
  maxEvents: MAX_LOG_CAPACITY,
  maxLineChars: 64 * 1024 * 1024,
  maxExpandedBytes: 2 * 1024 * 1024 * 1024,
  maxExpansionRatio: 50,
  minExpansionBudget: 2 * 1024 * 1024,
}

export interface DecodeOptions {
  /** Fraction (0..1) of the file read so far. */
  onProgress?: (fraction: number) => void
  limits?: Partial<RecordingLimits>
  /** A file cut short opens with the lines it holds (see `RecordingCut`) instead of failing. */
  acceptCut?: boolean
  /** For tests of the migration path: the reader's current version and its steps. */
  currentVersion?: number
  migrations?: readonly FormatMigration[]
}

/** Where a cut file ends: what it holds against what its metadata declares. */
export interface RecordingCut {
  /** Events (or lines, for a recording without events) in the file's complete lines. */
  found: number
  expected: number
  unit: "events" | "lines"
  /** The time of the last complete line. */
  lastT: number
  /** What a user reads: how much of the recording is there and where it stops. */
  message: string
}

/** A decoded file; `cut` when it was opened although cut short. */
export interface DecodedRecording extends Recording {
  cut?: RecordingCut
}

/** Accumulates parsed lines and knows what the meta line promised. */
class LineReader {
  meta: RecordingMeta | undefined
  readonly lines: RecordingLine[] = []
  events = 0
  #lastT = -Infinity

  constructor(
    private readonly migrate: Migrator,
    private readonly limits: RecordingLimits,
  ) {}

  take(text: string): void {
    const lineNumber = this.lines.length + (this.meta ? 2 : 1)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw corrupted(`line ${formatCount(lineNumber)} is not valid JSON`)
    }
    if (!this.meta) {
      this.meta = checkMeta(this.migrate.meta(parsed))
      const declared = this.meta.counts.events
      if (declared > this.limits.maxEvents) {
        throw new RecordingError(
          "too-large",
          `Recording is too large to open: ${formatCount(declared)} events (this panel opens up to ${formatCount(this.limits.maxEvents)})`,
        )
      }
      return
    }
    const line = checkLine(this.migrate.line(parsed), lineNumber, this.#lastT)
    if (this.lines.length === 0 && line.kind !== "checkpoint") throw corrupted("it does not start with a checkpoint")
    this.#lastT = line.t
    if (line.kind === "message") this.events += eventsIn(line.message)
    if (this.lines.length >= this.meta.counts.lines || this.events > this.meta.counts.events) {
      throw corrupted(
        `it holds more than the ${formatCount(this.meta.counts.lines)} lines and ${formatCount(this.meta.counts.events)} events its metadata declares`,
      )
    }
    this.lines.push(line)
  }
}

export async function decodeRecording(source: ByteSource, options: DecodeOptions = {}): Promise<DecodedRecording> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const onProgress = options.onProgress ?? (() => {})
  if (source.size > limits.maxFileBytes) {
    throw new RecordingError(
      "too-large",
      `Recording is too large to open: ${formatFileSize(source.size)} (this panel opens files up to ${formatFileSize(limits.maxFileBytes)})`,
    )
  }
  const current = options.currentVersion ?? RECORDING_FORMAT_VERSION
  const header = readHeader(await source.read(0, Math.min(source.size, HEADER_BYTES)), source.size, current)
  const migrate = migratorFor(header.version, options.migrations ?? MIGRATIONS, current)
  const available = source.size - HEADER_BYTES
  if (available > header.payloadBytes) {
    throw corrupted(`${formatCount(available - header.payloadBytes)} unexpected bytes follow the compressed data`)
  }
  const cut = available < header.payloadBytes
  const cutDetail = `; the file has ${formatCount(source.size)} of ${formatCount(HEADER_BYTES + header.payloadBytes)} bytes`
  const reader = new LineReader(migrate, limits)

  const budget = (compressedRead: number) =>
    Math.min(limits.maxExpandedBytes, Math.max(limits.minExpansionBudget, compressedRead * limits.maxExpansionRatio))
  const lines = new LineSplitter()
  try {
    for await (const text of inflateText(source, HEADER_BYTES, source.size, read => onProgress(read / Math.max(1, available)), budget)) {
      lines.push(text, line => reader.take(line))
      if (lines.pending > limits.maxLineChars) {
        throw corrupted(`line ${formatCount(reader.lines.length + 2)} is longer than ${formatFileSize(limits.maxLineChars)}`)
      }
    }
  } catch (error) {
    if (error instanceof ExpansionLimitError) throw expansionRefused(error, limits)
    if (error instanceof RecordingError && !(cut && error.code === "corrupted")) throw error
    if (!cut) throw corrupted(`the compressed data is damaged (${errorText(error)})`)
  }
  if (cut || lines.pending > 0 || !reader.meta || reader.lines.length < reader.meta.counts.lines) {
    const error = shortfall(reader, cut ? cutDetail : "", source.size, HEADER_BYTES + header.payloadBytes)
    if (!options.acceptCut || !reader.meta || reader.lines.length === 0) throw error
    onProgress(1)
    return { meta: reader.meta, lines: reader.lines, cut: cutOf(reader, reader.meta, source.size, HEADER_BYTES + header.payloadBytes) }
  }
  if (reader.lines.length === 0) throw corrupted("it holds no checkpoint to start from")
  onProgress(1)
  return { meta: reader.meta, lines: reader.lines }
}

function expansionRefused({ limit, compressedRead }: ExpansionLimitError, limits: RecordingLimits): RecordingError {
  if (limit >= limits.maxExpandedBytes) {
    return new RecordingError(
      "too-large",
      `Recording refused: it expands to over ${formatFileSize(limit)} (this panel opens recordings up to ${formatFileSize(limits.maxExpandedBytes)} uncompressed)`,
    )
  }
  return new RecordingError(
    "too-large",
    `Recording refused: ${formatFileSize(compressedRead)} of its compressed data already expand to over ${formatFileSize(limit)}, ` +
      `more than ${formatCount(limits.maxExpansionRatio)} times their size, which no real recording does: it looks like a decompression bomb`,
  )
}

function cutOf(reader: LineReader, meta: RecordingMeta, size: number, expectedSize: number): RecordingCut {
  const byEvents = meta.counts.events > 0
  const found = byEvents ? reader.events : reader.lines.length
  const expected = byEvents ? meta.counts.events : meta.counts.lines
  const unit = byEvents ? "events" : "lines"
  const lastT = reader.lines[reader.lines.length - 1]!.t
  const seconds = formatDecimal((lastT - meta.startedAt) / 1000, 1)
  return {
    found,
    expected,
    unit,
    lastT,
    message:
      `This recording was cut short: it holds ${formatCount(found)} of ${formatCount(expected)} ${unit}, ` +
      `up to ${seconds} s after it started (the file has ${formatCount(size)} of ${formatCount(expectedSize)} bytes)`,
  }
}

/** The truncation message: in events when the metadata survived, else in bytes. */
function shortfall(reader: LineReader, detail: string, size: number, expectedSize: number): RecordingError {
  if (!reader.meta) return truncated(expectedSize, size, "bytes", "; the file ends before its metadata")
  const { events, lines } = reader.meta.counts
  if (events > 0) return truncated(events, reader.events, "events", detail)
  return truncated(lines, reader.lines.length, "lines", detail)
}
