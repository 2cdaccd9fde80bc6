/**
 * Older recordings load: each format change adds one step that turns a
 * version-n meta line and version-n lines into version n+1. A file is read
 * through every step from its own version to the current one, line by line,
 * so migrating never needs the whole file in memory.
 *
 * Format 1 is the first version, so the chain is empty today; the next
 * version bump adds `{ from: 1, … }` here (and a fixture file of format 1 to
 * the tests, which already run the chain with a made-up step).
 */
import { RecordingError } from "./errors"
import { RECORDING_FORMAT_VERSION } from "./format"

export interface FormatMigration {
  /** The version this step reads; it produces from + 1. */
  from: number
  meta(meta: unknown): unknown
  line(line: unknown): unknown
}

export const MIGRATIONS: readonly FormatMigration[] = []

export interface Migrator {
  meta(meta: unknown): unknown
  line(line: unknown): unknown
}

/** The steps from `version` to `current`, composed; throws when one is missing. */
export function migratorFor(
  version: number,
  migrations: readonly FormatMigration[] = MIGRATIONS,
  current = RECORDING_FORMAT_VERSION,
): Migrator {
  const steps: FormatMigration[] = []
  for (let from = version; from < current; from++) {
    const step = migrations.find(migration => migration.from === from)
    if (!step)
      throw new RecordingError("unsupported", `Recording format ${version} cannot be read: no migration from format ${from} to ${from + 1}`)
    steps.push(step)
  }
  return {
    meta: meta => steps.reduce((value, step) => step.meta(value), meta),
    line: line => steps.reduce((value, step) => step.line(value), line),
  }
}
