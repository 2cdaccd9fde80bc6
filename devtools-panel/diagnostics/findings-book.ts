/**
 * The findings held: a repeat of a finding counts on the one already there
 * (with its latest wording and evidence), and nothing leaves until cleared.
 * A page reload does not clear them: what went wrong before the reload is
 * often what the user reloaded about.
 */
import type { Evidence, Finding, FindingDraft, Severity } from "./finding"

/** Evidence links kept per finding: the first ones and the latest ones. */
const MAX_EVIDENCE = 10
/** Findings held at most; the oldest ended ones leave first. */
const MAX_FINDINGS = 500

export class FindingsBook {
  readonly #findings = new Map<string, Finding>()
  #seq = 0
  /** Bumped on every change, so views know to re-read. */
  version = 0

  raise(draft: FindingDraft): Finding {
    const { t, ...rest } = draft
    const previous = this.#findings.get(draft.id)
    const finding: Finding = previous
      ? {
          ...rest,
          firstAt: previous.firstAt,
          lastAt: Math.max(previous.lastAt, t),
          count: previous.count + 1,
          seq: previous.seq,
          evidence: mergeEvidence(previous.evidence, draft.evidence),
        }
      : { ...rest, firstAt: t, lastAt: t, count: 1, seq: this.#seq++ }
    this.#findings.set(draft.id, finding)
    this.#trim()
    this.version++
    return finding
  }

  /** The condition behind a finding stopped holding at `t`. */
  end(id: string, t: number): void {
    const finding = this.#findings.get(id)
    if (!finding || finding.endedAt !== undefined) return
    this.#findings.set(id, { ...finding, endedAt: t })
    this.version++
  }

  has(id: string): boolean {
    return this.#findings.has(id)
  }

  get(id: string): Finding | undefined {
    return this.#findings.get(id)
  }

  /** Newest activity first. */
  list(): Finding[] {
    return [...this.#findings.values()].sort((a, b) => b.lastAt - a.lastAt || b.seq - a.seq)
  }

  counts(): Record<Severity, number> {
    const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 }
    for (const finding of this.#findings.values()) counts[finding.severity]++
    return counts
  }

  get size(): number {
    return this.#findings.size
  }

  clear(): void {
    if (this.#findings.size === 0) return
    this.#findings.clear()
    this.version++
  }

  #trim(): void {
    if (this.#findings.size <= MAX_FINDINGS) return
    const oldest = [...this.#findings.values()].sort(
      (a, b) => Number(a.endedAt === undefined) - Number(b.endedAt === undefined) || a.lastAt - b.lastAt,
    )
    for (const finding of oldest.slice(0, this.#findings.size - MAX_FINDINGS)) this.#findings.delete(finding.id)
  }
}

function sameEvidence(a: Evidence, b: Evidence): boolean {
  if (a.kind === "event" && b.kind === "event") return a.repoId === b.repoId && a.eventId === b.eventId
  if (a.kind === "key" && b.kind === "key")
    return a.repoId === b.repoId && a.docId === b.docId && a.namespace === b.namespace && a.key === b.key
  return false
}

/** The first occurrence's evidence stays; the latest ones fill the rest. */
function mergeEvidence(previous: readonly Evidence[], next: readonly Evidence[]): Evidence[] {
  const merged = [...previous]
  for (const item of next) if (!merged.some(existing => sameEvidence(existing, item))) merged.push(item)
  if (merged.length <= MAX_EVIDENCE) return merged
  const keep = Math.floor(MAX_EVIDENCE / 2)
  return [...merged.slice(0, keep), ...merged.slice(merged.length - (MAX_EVIDENCE - keep))]
}
