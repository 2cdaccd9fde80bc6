/**
 * The commands one synchronizer message produced, flattened: a `cmd/batch`
 * is listed, then its children one level deeper. Commands that handlers
 * expand internally (e.g. cmd/broadcast-ephemeral-batch) show only as
 * themselves; their effect appears in the channel-out events.
 */
import type { CommandSummary } from "../../../protocol/messages"
import { serializeRepoValue } from "./loro-values"
import { isObject, messageType, read } from "./repo-shape"

/** A message producing more commands than this is cut (the last summary says so). */
const MAX_COMMANDS = 500

export function flattenCommands(command: unknown): CommandSummary[] {
  const result: CommandSummary[] = []
  visit(command, 0, result)
  return result
}

function visit(command: unknown, depth: number, into: CommandSummary[]): void {
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

function detailOf(command: Record<string, unknown>, type: string): Pick<CommandSummary, "detail"> {
  if (type === "cmd/batch") return {}
  const rest: Record<string, unknown> = {}
  for (const key of Object.keys(command)) if (key !== "type") rest[key] = read(command, key)
  if (Object.keys(rest).length === 0) return {}
  // Payload bytes are summarised (length and head), not copied whole: the
  // same buffers travel whole in the channel-in/out events that carry them,
  // and copying them here too tripled the hook's cost per ephemeral frame.
  return { detail: serializeRepoValue(rest) }
}
