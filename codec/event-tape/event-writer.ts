/**
 * Writes one observed event into a tape from the fields a tap hands over,
 * by name: a tap never spells out the tape's order. The order is the
 * layout's (layout.ts), written by the per-kind functions generated from it
 * (kind-writers.ts), and the reader reads the same declaration. What a tap
 * gives for each kind of field: field-writers.ts.
 */
import { KIND_WRITERS } from "./kind-writers"
import type { EventFields } from "./field-writers"
import type { EventKind } from "./layout"
import type { TapeWriter } from "./writer"

export {
  type CommandSource,
  type CommandWriter,
  type EventFields,
  OptionedValue,
  type SizeEstimate,
  type StoreChangeEntry,
  withOptions,
} from "./field-writers"
export type { ValueOptions } from "./writer"

/**
 * Writes an event whole, or not at all: if writing a field throws, the tape
 * is rolled back to where it was and the error rethrown.
 */
export function writeEvent<K extends EventKind>(
  tape: TapeWriter,
  kind: K,
  repoId: string,
  t: number,
  fields: NoInfer<EventFields<K>>,
): void {
  const mark = tape.mark()
  try {
    tape.begin(kind, repoId, t)
    ;(KIND_WRITERS[kind] as (tape: TapeWriter, fields: EventFields<K>) => void)(tape, fields)
  } catch (error) {
    tape.rollback(mark)
    throw error
  }
}
