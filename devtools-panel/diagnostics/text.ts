/**
 * Findings as plain text and as JSON: what "Copy as JSON" puts on the
 * clipboard and what tests read. A peer reads as its name with its id in
 * parentheses, so the text is unambiguous wherever it is pasted.
 */
import { formatClock, shortId } from "../values/format"
import type { Finding, PeerRef, TextPart } from "./finding"

export function peerText(peer: PeerRef, withId = false): string {
  if (peer.name === undefined) return withId ? peer.peerId : shortId(peer.peerId)
  return withId ? `${peer.name} (${peer.peerId})` : peer.name
}

export function partText(part: TextPart, withIds = false): string {
  if (typeof part === "string") return part
  if ("peer" in part) return peerText(part.peer, withIds)
  if ("time" in part) return formatClock(part.time)
  return part.deleted ? "deleted" : (JSON.stringify(part.value) ?? "undefined")
}

export function textOf(parts: readonly TextPart[], withIds = false): string {
  return parts.map(part => partText(part, withIds)).join("")
}

/** A finding as plain data, its text spelled out with peer ids, for the clipboard. */
export function findingJson(finding: Finding): Record<string, unknown> {
  return {
    kind: finding.kind,
    severity: finding.severity,
    summary: textOf(finding.summary, true),
    details: (finding.details ?? []).map(line => textOf(line, true)),
    why: finding.why,
    fix: finding.fix,
    repo: { repoId: finding.repoId, label: finding.repoLabel },
    ...(finding.docId !== undefined ? { docId: finding.docId } : {}),
    ...(finding.namespace !== undefined ? { namespace: finding.namespace } : {}),
    ...(finding.key !== undefined ? { key: finding.key } : {}),
    peers: finding.peers,
    firstAt: new Date(finding.firstAt).toISOString(),
    lastAt: new Date(finding.lastAt).toISOString(),
    count: finding.count,
    ...(finding.endedAt !== undefined ? { endedAt: new Date(finding.endedAt).toISOString() } : {}),
    evidence: finding.evidence,
  }
}

export function findingsJson(findings: readonly Finding[]): string {
  return JSON.stringify(findings.map(findingJson), null, 2)
}
