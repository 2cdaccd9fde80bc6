/**
 * The log's filters: by event kind, repo, document, peer, channel and
 * direction (tested on the facets computed at ingest), and a free-text
 * search over what the row shows, the event's JSON and its decoded
 * ephemeral entries. The search text is built on demand and not kept:
 * holding it for 100,000 events would double the log's memory.
 */
import type { HookEvent, HookEventKind, WireValue } from "../../protocol/messages"
import type { LogRecord } from "../state/event-log"
import { isWireObject } from "../values/summary"
import { peerOfKey, rawEntries, valueText } from "../wire/ephemeral-decode"
import type { Direction } from "../wire/facets"

export const EVENT_KINDS = [
  "sync-message",
  "channel-in",
  "channel-out",
  "emitter",
  "store",
  "store-created",
  "model",
] as const satisfies readonly HookEventKind[]

export interface LogFilter {
  /** Kinds shown; all when it holds every kind. */
  readonly kinds: ReadonlySet<HookEventKind>
  readonly repoId?: string
  readonly docId?: string
  readonly peerId?: string
  /** channelKey(repoId, channelId): channel ids are per repo. */
  readonly channel?: string
  readonly direction?: Direction
  /** Case-insensitive substring. */
  readonly search: string
  /**
   * Peers whose names contain the search: their events match it too, so
   * "bob" finds his cursor frames, which carry only his id.
   */
  readonly searchPeerIds?: readonly string[]
}

export const NO_FILTER: LogFilter = { kinds: new Set(EVENT_KINDS), search: "" }

export function channelKey(repoId: string, channelId: number): string {
  return `${repoId}#${channelId}`
}

export function isFiltering(filter: LogFilter): boolean {
  return (
    filter.kinds.size < EVENT_KINDS.length ||
    filter.repoId !== undefined ||
    filter.docId !== undefined ||
    filter.peerId !== undefined ||
    filter.channel !== undefined ||
    filter.direction !== undefined ||
    filter.search.trim() !== ""
  )
}

/** Searches cap the event JSON they look at: a 1 MB snapshot should not stall the scan. */
const MAX_SEARCH_JSON = 64_000

/**
 * Everything a search looks at, one part at a time, cheapest first:
 * `found` is asked of each part (as written, not lower-cased) until it says yes.
 */
function someSearchPart(record: LogRecord, found: (part: string) => boolean): boolean {
  const { event, facets } = record
  if (found(event.kind) || found(facets.label) || found(facets.type) || found(String(event.id))) return true
  if (facets.docIds.some(found) || facets.peerIds.some(found) || facets.channelIds.some(id => found(`#${id}`))) return true
  const json = JSON.stringify(event)
  if (found(json.length > MAX_SEARCH_JSON ? json.slice(0, MAX_SEARCH_JSON) : json)) return true
  // Ephemeral values travel as bytes: decode them so that "alice" finds her cursor frames.
  for (const entry of rawEntries(carriedMessage(event))) if (found(entry.key) || found(valueText(entry.value))) return true
  return false
}

/** Everything a search looks at, lower-cased, one part per line. */
export function searchText(record: LogRecord): string {
  const parts: string[] = []
  someSearchPart(record, part => {
    parts.push(part)
    return false
  })
  return parts.join("\n").toLowerCase()
}

/**
 * Whether `needle` (lower-cased, on one line) occurs in the record's search
 * text: the same answer as `searchText(record).includes(needle)`, without
 * building that text, and without the event's JSON when a cheaper part matches.
 */
export function searchMatches(record: LogRecord, needle: string): boolean {
  return someSearchPart(record, part => part.toLowerCase().includes(needle))
}

/** The channel message a synchronizer message delivered, if it is one. */
export function envelopeMessage(message: WireValue): WireValue | undefined {
  return isWireObject(message) && isWireObject(message.envelope) ? message.envelope.message : undefined
}

/** The channel message an event carries (for a synchronizer message, the one it received). */
export function carriedMessage(event: HookEvent): WireValue | undefined {
  if (event.kind === "channel-in" || event.kind === "channel-out") return event.message
  if (event.kind === "sync-message") return envelopeMessage(event.message)
  return undefined
}

/** Peers whose ephemeral entries an event carries (decoded from its bytes, so not kept in the facets). */
export function subjectPeers(record: LogRecord): string[] {
  const peers = new Set<string>()
  for (const entry of rawEntries(carriedMessage(record.event))) {
    const peer = entry.peer ?? peerOfKey(entry.key)
    if (peer !== undefined) peers.add(peer)
  }
  return [...peers]
}

/** Tests everything but the search (cheap: facets only, bytes only for the peer filter). */
export function matchesFacets(record: LogRecord, filter: LogFilter): boolean {
  const { event, facets } = record
  if (!filter.kinds.has(event.kind)) return false
  if (filter.repoId !== undefined && event.repoId !== filter.repoId) return false
  if (filter.direction !== undefined && facets.direction !== filter.direction) return false
  if (filter.docId !== undefined && !facets.docIds.includes(filter.docId)) return false
  if (filter.peerId !== undefined && !facets.peerIds.includes(filter.peerId) && !subjectPeers(record).includes(filter.peerId)) return false
  if (filter.channel !== undefined && !facets.channelIds.some(id => channelKey(event.repoId, id) === filter.channel)) return false
  return true
}

/**
 * True when everything `next` lets through, `previous` let through too: the
 * same constraints or more, and a search that contains the previous one
 * (typing "alic" after "ali"). Its matches can then be found among the
 * previous filter's.
 */
export function narrows(next: LogFilter, previous: LogFilter): boolean {
  for (const kind of next.kinds) if (!previous.kinds.has(kind)) return false
  for (const facet of ["repoId", "docId", "peerId", "channel", "direction"] as const) {
    if (previous[facet] !== undefined && previous[facet] !== next[facet]) return false
  }
  const before = needleOf(previous)
  const after = needleOf(next)
  if (before === undefined) return true
  // Peers named by the new search must have been named by the previous one.
  const earlier = new Set(previous.searchPeerIds)
  return after?.includes(before) === true && (next.searchPeerIds ?? []).every(peerId => earlier.has(peerId))
}

/** A filter's search needle, or undefined for none. */
export function needleOf(filter: LogFilter): string | undefined {
  const needle = filter.search.trim().toLowerCase()
  return needle === "" ? undefined : needle
}

export function matches(record: LogRecord, filter: LogFilter, needle = needleOf(filter)): boolean {
  return (
    matchesFacets(record, filter) && (needle === undefined || searchMatches(record, needle) || involvesPeer(record, filter.searchPeerIds))
  )
}

/** Whether an event is about one of the peers: in its facets, or a key of the entries it carries. */
function involvesPeer(record: LogRecord, peerIds: readonly string[] | undefined): boolean {
  if (peerIds === undefined || peerIds.length === 0) return false
  if (record.facets.peerIds.some(peerId => peerIds.includes(peerId))) return true
  return subjectPeers(record).some(peerId => peerIds.includes(peerId))
}

/** The peers whose published names contain the search text. */
export function peersNamedLike(
  peers: ReadonlyArray<{ peerId: string; name: string }>,
  search: string,
  isNamed: (peerId: string) => boolean,
): string[] {
  const needle = search.trim().toLowerCase()
  if (needle === "") return []
  return peers.filter(peer => isNamed(peer.peerId) && peer.name.toLowerCase().includes(needle)).map(peer => peer.peerId)
}
