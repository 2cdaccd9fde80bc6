/**
 * The commands one synchronizer message produced, flattened: a `cmd/batch`
 * is listed, then its children one level deeper. Commands that handlers
 * expand internally (e.g. cmd/broadcast-ephemeral-batch) show only as
 * themselves; their effect appears in the channel-out events.
 */
import type { TapeWriter } from "../../bridge/tape-writer"
import { isObject, messageType, read } from "./repo-shape"

/** A message producing more commands than this is cut (the last summary says so). */
const MAX_COMMANDS = 500

interface FlatCommand {
  type: string
  depth: number
  /** The command's fields but `type`; undefined when it has none. */
  detail?: Record<string, unknown>
}

/**
 * Writes the commands into the tape: count, then type, depth and detail of
 * each. Payload bytes in details are summarised (length and head): the same
 * buffers travel whole in the channel-in/out events that carry them.
 */
export function writeCommands(tape: TapeWriter, command: unknown): void {
  const flat: FlatCommand[] = []
  visit(command, 0, flat)
  tape.count(flat.length)
  for (const { type, depth, detail } of flat) {
    tape.str(type)
    tape.num(depth)
    tape.bool(detail !== undefined)
    if (detail !== undefined) tape.val(detail, { references: true })
  }
}

function visit(command: unknown, depth: number, into: FlatCommand[]): void {
  if (!isObject(command)) return
  if (into.length >= MAX_COMMANDS) {
    if (into.length === MAX_COMMANDS) into.push({ type: "(more commands not shown)", depth })
    return
  }
  const type = messageType(command)
  const children = type === "cmd/batch" ? read(command, "commands") : undefined
  into.push({ type, depth, ...detailOf(command, type) })
  if (Array.isArray(children)) for (const child of children) visit(child, depth + 1, into)
}

function detailOf(command: Record<string, unknown>, type: string): Pick<FlatCommand, "detail"> {
  if (type === "cmd/batch") return {}
  const rest: Record<string, unknown> = {}
  let fields = 0
  for (const key of Object.keys(command)) {
    if (key === "type") continue
    rest[key] = read(command, key)
    fields++
  }
  return fields === 0 ? {} : { detail: rest }
}
