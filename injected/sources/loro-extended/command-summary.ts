/**
 * The commands one synchronizer message produced, flattened: a `cmd/batch`
 * is listed, then its children one level deeper. Commands that handlers
 * expand internally (e.g. cmd/broadcast-ephemeral-batch) show only as
 * themselves; their effect appears in the channel-out events.
 */
import type { CommandWriter } from "../../../codec/event-tape/event-writer"
import { isObject, messageType, read } from "./repo-shape"

/** A message producing more commands than this is cut (the last summary says so). */
const MAX_COMMANDS = 500

/**
 * Lists the commands straight from the command objects: each with its type
 * and depth, and the command itself as the source of its detail.
 */
export function writeCommands(out: CommandWriter, command: unknown): void {
  visit(out, command, 0, 0)
}

/** Lists `command` and its children; returns how many commands are listed in all. */
function visit(out: CommandWriter, command: unknown, depth: number, written: number): number {
  if (!isObject(command)) return written
  if (written >= MAX_COMMANDS) {
    if (written > MAX_COMMANDS) return written
    out.command("(more commands not shown)", depth)
    return written + 1
  }
  const type = messageType(command)
  if (type === "cmd/batch") {
    out.command(type, depth)
    const children = read(command, "commands")
    let count = written + 1
    if (Array.isArray(children)) for (const child of children) count = visit(out, child, depth + 1, count)
    return count
  }
  out.command(type, depth, command)
  return written + 1
}
