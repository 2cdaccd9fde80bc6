/**
 * Generated from layout.ts by `npm run generate` (scripts/generate-kind-writers.ts):
 * do not edit. One function per event kind, writing what a tap hands over
 * (EventFields) in the order the layout declares; event-writer.ts calls them.
 */
import type { EventKind } from "./layout"
import { type EventFields, unwrapped, writeCommands, writeEntries, writeValue } from "./field-writers"
import type { TapeWriter } from "./writer"

type KindWriters = { readonly [K in EventKind]: (tape: TapeWriter, fields: EventFields<K>) => void }

export const KIND_WRITERS: KindWriters = {
  "sync-message": (tape, fields) => {
    tape.str(fields.msgType)
    writeValue(tape, fields.message)
    writeCommands(tape, fields.commands)
    writeValue(tape, fields.delta)
  },
  "channel-in": (tape, fields) => {
    tape.num(fields.channelId)
    tape.opt(fields.peerId)
    tape.str(fields.msgType)
    const messageSize = writeValue(tape, fields.message)
    tape.num(messageSize ?? fields.size(unwrapped(fields.message)))
    tape.opt(fields.discarded)
  },
  "channel-out": (tape, fields) => {
    writeValue(tape, fields.toChannelIds)
    tape.str(fields.msgType)
    const messageSize = writeValue(tape, fields.message)
    tape.num(messageSize ?? fields.size(unwrapped(fields.message)))
    tape.bool(fields.establishment)
  },
  emitter: (tape, fields) => {
    tape.str(fields.name)
    writeValue(tape, fields.data)
  },
  store: (tape, fields) => {
    tape.str(fields.docId)
    tape.str(fields.namespace)
    tape.str(fields.by)
    writeEntries(tape, fields.entries)
  },
  "store-created": (tape, fields) => {
    tape.str(fields.docId)
    tape.str(fields.namespace)
  },
  "store-op": (tape, fields) => {
    tape.str(fields.docId)
    tape.str(fields.namespace)
    tape.str(fields.op)
    tape.str(fields.bytes)
    writeValue(tape, fields.removed)
    tape.num(fields.timeout)
    writeEntries(tape, fields.oversized)
  },
  model: (tape, fields) => {
    tape.str(fields.cause)
    writeValue(tape, fields.delta)
  },
}
