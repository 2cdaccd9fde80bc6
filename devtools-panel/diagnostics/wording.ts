/**
 * Shared pieces of findings' wording and evidence, so every detector names
 * keys, repos and events the same way.
 */
import type { StoreEntry, WireValue } from "../../protocol/messages"
import { deepEqual } from "../values/deep-equal"
import type { Evidence, PeerRef, TextPart } from "./finding"
import type { Held } from "./world"

/** A value or a tombstone, as a text part. */
export function valuePart(entry: { value?: WireValue; deleted: boolean }): TextPart {
  return entry.deleted ? { value: undefined, deleted: true } : { value: entry.value ?? null }
}

/** Same value and deleted flag (timestamps aside). */
export function sameValue(a: { value?: WireValue; deleted: boolean }, b: { value?: WireValue; deleted: boolean }): boolean {
  return a.deleted === b.deleted && (a.deleted || deepEqual(a.value ?? null, b.value ?? null))
}

/** "alice's cursor": the key's owner (keys are peer ids) and the namespace. */
export function keyOf(owner: PeerRef, namespace: string): TextPart[] {
  return [{ peer: owner }, `'s ${namespace}`]
}

export function eventEvidence(label: string, repoId: string, eventId: number, t: number): Evidence {
  return { kind: "event", label, repoId, eventId, t }
}

export function keyEvidence(repoId: string, docId: string, namespace: string, key: string): Evidence {
  return { kind: "key", label: "the key in the Live view", repoId, docId, namespace, key }
}

export function heldOfEntry(entry: StoreEntry): Pick<Held, "value" | "deleted"> {
  return entry.deleted ? { deleted: true } : { value: entry.value ?? null, deleted: false }
}

export const ONE_HEARTBEAT = "the next heartbeat (up to 10 s)"
