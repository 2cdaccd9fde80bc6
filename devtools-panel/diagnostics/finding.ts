/**
 * A finding: something the detectors saw go wrong, said in plain words, with
 * where, when, the evidence, why it matters and what the app can do. Text is
 * kept as parts so views can show a peer by name with its id on hover, and
 * a copy can carry both.
 */
import type { WireValue } from "../../protocol/messages"

export type Severity = "error" | "warning" | "info"

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"]

export type FindingKind =
  | "lost-update"
  | "update-at-risk"
  | "own-key-overwritten"
  | "no-live-path"
  | "amplification"
  | "clock-skew"
  | "duplicate-gossip"
  | "pruned-peer"
  | "pruned-while-alive"

export interface PeerRef {
  readonly peerId: string
  /** Presence or member name, when one is known. */
  readonly name?: string
}

/** A piece of a finding's text. A value part with `deleted` stands for a tombstone. */
export type TextPart =
  | string
  | { readonly peer: PeerRef }
  | { readonly time: number }
  | { readonly value: WireValue | undefined; readonly deleted?: boolean }

/** A link from a finding to what shows it happened. */
export type Evidence =
  /** A hook event in the Log. */
  | { readonly kind: "event"; readonly label: string; readonly repoId: string; readonly eventId: number; readonly t: number }
  /** A key in the Live view (and its history). */
  | {
      readonly kind: "key"
      readonly label: string
      readonly repoId: string
      readonly docId: string
      readonly namespace: string
      readonly key: string
    }

/** What a detector reports; the book adds counts and times. */
export interface FindingDraft {
  /** Same id = the same finding happening again (counted, not repeated). */
  readonly id: string
  readonly kind: FindingKind
  readonly severity: Severity
  readonly t: number
  /** One sentence: what happened. */
  readonly summary: readonly TextPart[]
  /** Further lines of specifics. */
  readonly details?: readonly (readonly TextPart[])[]
  readonly why: string
  readonly fix: string
  readonly repoId: string
  readonly repoLabel: string
  readonly docId?: string
  readonly namespace?: string
  readonly key?: string
  readonly peers: readonly PeerRef[]
  readonly evidence: readonly Evidence[]
}

export interface Finding extends Omit<FindingDraft, "t"> {
  readonly firstAt: number
  readonly lastAt: number
  /** Times it happened. */
  readonly count: number
  /** Set when the condition stopped holding (a path came back); cleared if it happens again. */
  readonly endedAt?: number
  /** Order of first appearance in this panel. */
  readonly seq: number
}

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { error: "Error", warning: "Warning", info: "Info" }
