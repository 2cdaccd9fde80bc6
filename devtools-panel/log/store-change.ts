/**
 * What a store event changed, key by key: the value before (the key's
 * previous store event in the log: every change to a store shows as one),
 * the value after, and the diff between them. The same reading as the
 * value history's, for the Log's detail.
 */
import type { HookEvent } from "../../protocol/messages"
import { recordAt, type EventLog, type LogRecord } from "../state/event-log"
import { jsonDiff, type JsonChange } from "../values/json-diff"
import { copyOf, sameContent, type Copy } from "./store-rules"

/** How far back to look for a key's previous copy. */
export const MAX_LOOK_BACK = 20_000

export interface EntryChange {
  key: string
  /** Undefined when the log does not go back to the key's previous copy. */
  before?: Copy
  after: Copy
  effect: "changed" | "restamped" | "none"
  changes: JsonChange[]
}

type StoreEvent = Extract<HookEvent, { kind: "store" }>

export function storeEventChanges(log: EventLog, record: LogRecord): EntryChange[] {
  const event = record.event
  if (event.kind !== "store" || !Array.isArray(event.entries)) return []
  const wanted = new Set(event.entries.map(entry => entry?.key).filter((key): key is string => typeof key === "string"))
  const before = previousCopies(log, record.seq, event, wanted)
  return event.entries.flatMap(entry => {
    if (typeof entry?.key !== "string") return []
    const after = copyOf(entry)
    const previous = before.get(entry.key)
    const changed = previous === undefined || !sameContent(previous, after)
    return [
      {
        key: entry.key,
        ...(previous === undefined ? {} : { before: previous }),
        after,
        effect: changed ? "changed" : previous.timestamp === after.timestamp ? "none" : "restamped",
        changes: changed ? jsonDiff(previous?.deleted === false ? previous.value : undefined, after.deleted ? undefined : after.value) : [],
      } satisfies EntryChange,
    ]
  })
}

/** The latest copy of each wanted key in the same store before `seq`. */
function previousCopies(log: EventLog, seq: number, event: StoreEvent, wanted: Set<string>): Map<string, Copy> {
  const found = new Map<string, Copy>()
  const stop = Math.max(log.start, seq - MAX_LOOK_BACK)
  for (let at = seq - 1; at >= stop && found.size < wanted.size; at--) {
    const other = recordAt(log, at)?.event
    if (
      other?.kind !== "store" ||
      other.repoId !== event.repoId ||
      other.docId !== event.docId ||
      other.namespace !== event.namespace ||
      !Array.isArray(other.entries)
    )
      continue
    for (const entry of other.entries) {
      if (typeof entry?.key === "string" && wanted.has(entry.key) && !found.has(entry.key)) found.set(entry.key, copyOf(entry))
    }
  }
  return found
}
