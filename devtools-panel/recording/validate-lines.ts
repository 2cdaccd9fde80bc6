/**
 * Checks of a recording's lines as they are read. A file is untrusted input:
 * each check names the line and the field, so a damaged or hand-edited file
 * is reported precisely instead of half-rendered. Messages are checked for
 * the shape the reducer relies on; unknown hook message types pass, because
 * the reducer skips them (a newer hook's messages).
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import { formatCount } from "../values/format"
import { corrupted } from "./errors"
import type { Checkpoint, RecordingLine, RecordingMeta } from "./format"

type Fields = Record<string, unknown>

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value)
}

function strings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(item => typeof item === "string")
}

export function checkMeta(value: unknown): RecordingMeta {
  const where = "line 1 (metadata)"
  if (!isRecord(value) || value.kind !== "meta") throw corrupted(`${where} is not a metadata record`)
  for (const field of ["app", "extensionVersion", "origin"] as const) {
    if (typeof value[field] !== "string") throw corrupted(`${where}: "${field}" is missing`)
  }
  for (const field of ["protocol", "startedAt", "endedAt"] as const) {
    if (!isTime(value[field])) throw corrupted(`${where}: "${field}" is not a number`)
  }
  if (!strings(value.libraryVersions)) throw corrupted(`${where}: "libraryVersions" is not a list of strings`)
  if (
    !Array.isArray(value.repos) ||
    !value.repos.every(repo => isRecord(repo) && typeof repo.repoId === "string" && typeof repo.label === "string")
  ) {
    throw corrupted(`${where}: "repos" is not a list of repos`)
  }
  if (!Array.isArray(value.peers) || !value.peers.every(peer => isRecord(peer) && typeof peer.peerId === "string")) {
    throw corrupted(`${where}: "peers" is not a list of peers`)
  }
  if (typeof value.redacted !== "boolean" || typeof value.acrossReloads !== "boolean") {
    throw corrupted(`${where}: "redacted" and "acrossReloads" must be true or false`)
  }
  const counts = value.counts
  if (!isRecord(counts) || !["lines", "messages", "events", "checkpoints", "marks"].every(field => isCount(counts[field]))) {
    throw corrupted(`${where}: "counts" is incomplete`)
  }
  return value as unknown as RecordingMeta
}

/** Returns why a hook message cannot be applied, or undefined. */
function hookMessageProblem(message: unknown): string | undefined {
  if (!isRecord(message) || typeof message.type !== "string") return "a hook message without a type"
  if (message.type === "repo/events") {
    if (typeof message.repoId !== "string") return "repo/events without a repoId"
    if (!Array.isArray(message.events) || !message.events.every(event => isRecord(event) && typeof event.kind === "string")) {
      return "repo/events with malformed events"
    }
  }
  if (message.type === "repo/registered" && (!isRecord(message.repo) || typeof message.repo.repoId !== "string")) {
    return "repo/registered without a repo"
  }
  return undefined
}

/** Returns why a panel message cannot be applied, or undefined. */
export function panelMessageProblem(message: unknown): string | undefined {
  if (!isRecord(message)) return "the message is not an object"
  switch (message.type) {
    case "background/page-batch": {
      const batch = message.batch
      if (!isRecord(batch) || !Number.isSafeInteger(batch.seq) || !Array.isArray(batch.messages))
        return "a page batch without seq or messages"
      for (const inner of batch.messages) {
        const problem = hookMessageProblem(inner)
        if (problem) return problem
      }
      return undefined
    }
    case "background/relay-stats":
      return isRecord(message.stats) ? undefined : "relay stats without counters"
    case "background/page-status":
      return typeof message.connected === "boolean" ? undefined : 'a page status without "connected"'
    default:
      return `an unknown message type ${JSON.stringify(message.type)}`
  }
}

/** Hook events a message carries (the unit recordings are measured in). */
export function eventsIn(message: BackgroundToPanelMessage): number {
  if (message.type !== "background/page-batch") return 0
  let count = 0
  for (const inner of message.batch.messages) if (inner.type === "repo/events") count += inner.events.length
  return count
}

function checkCheckpoint(value: Fields, where: () => string): Checkpoint {
  if (!Array.isArray(value.messages)) throw corrupted(`${where()}: checkpoint without messages`)
  for (const message of value.messages) {
    const problem = panelMessageProblem(message)
    if (problem) throw corrupted(`${where()}: ${problem}`)
  }
  const counters = value.counters
  if (
    !isRecord(counters) ||
    !isCount(counters.lostBatches) ||
    (counters.lastSeq !== undefined && !Number.isSafeInteger(counters.lastSeq))
  ) {
    throw corrupted(`${where()}: checkpoint counters are malformed`)
  }
  return value as unknown as Checkpoint
}

/** `lineNumber` counts from 1 (the meta line). `previousT` keeps time from running backwards. */
export function checkLine(value: unknown, lineNumber: number, previousT: number): RecordingLine {
  // Built only on failure: formatting a number per line costs more than the checks.
  const where = () => `line ${formatCount(lineNumber)}`
  if (!isRecord(value)) throw corrupted(`${where()} is not a record`)
  if (!isTime(value.t)) throw corrupted(`${where()} has no time`)
  if (value.t < previousT) throw corrupted(`${where()} goes back in time (${value.t} after ${previousT})`)
  switch (value.kind) {
    case "checkpoint":
      checkCheckpoint(value, where)
      break
    case "message": {
      const problem = panelMessageProblem(value.message)
      if (problem) throw corrupted(`${where()}: ${problem}`)
      break
    }
    case "mark":
      if (typeof value.label !== "string") throw corrupted(`${where()}: a mark without a label`)
      break
    default:
      throw corrupted(`${where()} has an unknown kind ${JSON.stringify(value.kind)}`)
  }
  return value as unknown as RecordingLine
}
