/**
 * Who a key's current value is credited to, in the Live view's "by" column.
 * A local change is this repo's write. An imported value is its writer's
 * (the key's owner), with the relay that brought it; when it came in another
 * peer's copy of the store, that peer re-stamped it (5.x re-stamps every key
 * it holds on each heartbeat) and is named. A value this repo holds for its
 * own key but did not write is never credited to this repo.
 */
import type { EntryState } from "./panel-state"
import { shortId } from "../values/format"

export interface EntryCredit {
  text: string
  title: string
  /** This repo's own key, changed by someone else's copy. */
  overwritten: boolean
}

/**
 * `name` labels peers in the text; `full` in the tooltip, where the id must
 * stay readable (a name with its id, or the bare id).
 */
export function entryCredit(
  entry: EntryState,
  selfPeerId: string,
  name: (peerId: string) => string = shortId,
  full: (peerId: string) => string = peerId => peerId,
): EntryCredit {
  const via = entry.via
  if (!via) {
    const self = entry.changedBy === selfPeerId
    return {
      text: self ? "this repo" : name(entry.changedBy),
      title: self ? "written by this repo" : `written by ${full(entry.changedBy)}`,
      overwritten: false,
    }
  }
  const channel = `channel ${via.channelId}${via.peerId ? ` (${full(via.peerId)})` : ""}`
  const own = entry.key === selfPeerId
  if (entry.copiedFrom !== undefined) {
    const restamper = name(entry.copiedFrom)
    return own
      ? {
          text: `re-stamped by ${restamper}`,
          title: `${full(entry.copiedFrom)}'s re-stamped copy of this repo's own key overwrote this repo's value; it arrived on ${channel}`,
          overwritten: true,
        }
      : {
          text: `${name(entry.changedBy)} · re-stamped by ${restamper}`,
          title: `written by ${full(entry.changedBy)}; ${full(entry.copiedFrom)} sent its copy, re-stamped on its heartbeat, on ${channel}`,
          overwritten: false,
        }
  }
  if (own)
    return {
      text: `import via ${via.peerId ? name(via.peerId) : `#${via.channelId}`}`,
      title: `this repo's own key, changed by an import on ${channel}`,
      overwritten: true,
    }
  const relayed = via.peerId !== undefined && via.peerId !== entry.changedBy
  return {
    text: relayed ? `${name(entry.changedBy)} via ${name(via.peerId!)}` : name(entry.changedBy),
    title: `written by ${full(entry.changedBy)}, delivered on ${channel}`,
    overwritten: false,
  }
}
