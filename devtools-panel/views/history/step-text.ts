/**
 * A history step in words: where the offered value came from, who wrote,
 * relayed or re-stamped it, and what the store did with it.
 */
import type { Decision, HistoryStep } from "../../log/key-history"

/** Names peers; says "this repo" for the repo whose store this is. */
export type NameOf = (peerId: string) => string

export function originText(step: HistoryStep, name: NameOf): string {
  const { origin } = step
  switch (origin.kind) {
    case "local":
      return step.offered.deleted ? "deleted here" : "written here"
    case "local-restamp":
      return "re-stamped here (heartbeat or sync)"
    case "frame": {
      const from =
        origin.channelPeer === undefined ? `channel #${origin.channelId}` : `${name(origin.channelPeer)} (channel #${origin.channelId})`
      const copy = origin.sender !== undefined && origin.sender !== step.writer ? `, ${name(origin.sender)}'s copy` : ""
      return `from ${from}${copy}, in ${origin.carrier.replace("channel/", "")}`
    }
    case "import":
      return "imported (its frame is not in the log)"
    case "timeout":
      return "expired"
  }
}

export const DECISION_TEXT: Record<Decision, string> = {
  accepted: "taken",
  "refused-tie": "refused: same timestamp as the store's copy (a tie keeps it)",
  "refused-older": "refused: older than the store's copy",
  refused: "refused: the store's copy, older than the log, was at least as new",
  pending: "waiting for the store",
}

/** What taking it did, for accepted steps. */
export function effectText(step: HistoryStep): string | undefined {
  if (step.decision !== "accepted") return undefined
  if (step.effect === "changed")
    return step.offered.deleted ? "removed the key" : step.before === undefined || step.before.deleted ? "new value" : "changed the value"
  return step.effect === "restamped" ? "same value, newer timestamp" : "nothing new"
}

/** The people around the value: its writer, and who relayed or re-stamped it when someone did. */
export function creditText(step: HistoryStep, name: NameOf): string {
  const parts: string[] = []
  if (step.writer !== undefined) parts.push(`writer ${name(step.writer)}`)
  if (step.relayedBy !== undefined) parts.push(`relayed by ${name(step.relayedBy)}`)
  if (step.restampedBy !== undefined) parts.push(`re-stamped by ${name(step.restampedBy)}`)
  return parts.join(" · ")
}
