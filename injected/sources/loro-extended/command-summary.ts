/**
 * The commands one synchronizer message produced, flattened: a `cmd/batch`
 * is listed, then its children one level deeper. Commands that handlers
 * expand internally (e.g. cmd/broadcast-ephemeral-batch) show only as
 * themselves; their effect appears in the channel-out events.
 */
import type { TapeWriter } from "../../../codec/event-tape/writer"
import { isObject, messageType, read } from "./repo-shape"

/** A message producing more commands than this is cut (the last summary says so). */
const MAX_COMMANDS = 500

/**
 * Writes the commands into the tape: count, then type, depth and detail (the
 * command's fields but `type`) of each, straight from the command objects.
 * Details are written with references: a frame a command forwards, or the
 * `stores` it applies, is usually already in the tape.
 */
export function writeCommands(tape: TapeWriter, command: unknown): void {
  const countAt = tape.reserveCount()
  tape.setCount(countAt, visit(tape, command, 0, 0))
}

/** Writes `command` and its children; returns how many commands are written in all. */
function visit(tape: TapeWriter, command: unknown, depth: number, written: number): number {
  if (!isObject(command)) return written
  if (written >= MAX_COMMANDS) {
    if (written > MAX_COMMANDS) return written
    tape.str("(more commands not shown)")
    tape.num(depth)
    tape.bool(false)
    return written + 1
  }
  const type = messageType(command)
  tape.str(type)
  tape.num(depth)
  if (type === "cmd/batch") {
    tape.bool(false)
    const children = read(command, "commands")
    let count = written + 1
    if (Array.isArray(children)) for (const child of children) count = visit(tape, child, depth + 1, count)
    return count
  }
  const hasDetail = hasFieldBesidesType(command)
  tape.bool(hasDetail)
  if (hasDetail) tape.valWithout(command, "type", { references: true })
  return written + 1
}

/** Without building a key list: this runs for every command of every message while a panel listens. */
function hasFieldBesidesType(command: Record<string, unknown>): boolean {
  for (const key in command) if (key !== "type" && Object.prototype.hasOwnProperty.call(command, key)) return true
  return false
}
