/**
 * One key's history in one repo's store, read from the event log: every
 * value offered to the store (a local write, or an entry of a frame that
 * arrived) and what the store did with it. The store's rules
 * (loro-crdt's EphemeralStore): a local write always overwrites; an import
 * is last-writer-wins by the writer's timestamp, and a tie loses.
 *
 * Offers come from the frames as received (channel-in events, decoded here)
 * and from the store's own local events; the store's import events confirm
 * what it took. When the log does not say what the store held before an
 * offer, the offer waits for the store's import event to tell.
 *
 * Who sent a copy: a frame's `stores[i].peerId` is the repo whose store the
 * bytes were encoded from; the channel's peer forwarded them when it is
 * someone else (a hub relays frames untouched). Another repo's copy of a
 * value seen before under an older timestamp was re-stamped by that repo
 * (5.4.2's touch() on heartbeats and syncs re-stamps every key of a store).
 */
import type { StoreEntry } from "../../protocol/messages"
import type { LogRecord } from "../state/event-log"
import { jsonDiff, type JsonChange } from "../values/json-diff"
import { decodeMessage, peerOfKey } from "../wire/ephemeral-decode"
import { contentKey, copyOf, decide, sameContent, sameCopy, type Copy } from "./store-rules"

export type { Copy } from "./store-rules"

export interface KeyRef {
  repoId: string
  docId: string
  namespace: string
  key: string
}

export type StepOrigin =
  /** A set or delete by this repo. */
  | { kind: "local" }
  /** touch() by this repo (a heartbeat or a sync): the same value, a fresh timestamp. */
  | { kind: "local-restamp" }
  /** An entry of a frame that arrived on a channel. */
  | { kind: "frame"; channelId: number; channelPeer?: string; sender?: string; carrier: string }
  /** The store took an import whose frame is not in the log (paused, evicted, or cut short by the hook). */
  | { kind: "import" }
  /** The store expired the key. */
  | { kind: "timeout" }

export type Decision =
  | "accepted"
  /** Refused: the same timestamp as the store's copy (a tie keeps what the store has). */
  | "refused-tie"
  /** Refused: older than the store's copy. */
  | "refused-older"
  /** Refused, against a copy older than this log. */
  | "refused"
  /** Not decided yet: the store's import event may still be on its way. */
  | "pending"

export interface HistoryStep {
  /** Unique within its history, in order. */
  id: number
  /** The log record that showed it, and its event. */
  seq: number
  eventId: number
  /** When the hook observed it. */
  t: number
  origin: StepOrigin
  offered: Copy
  decision: Decision
  /** The key's owner (loro-extended keys presence by peer id); this repo for its own writes. */
  writer?: string
  /** The channel's peer, when it forwarded a copy another repo encoded. */
  relayedBy?: string
  /** Who gave an already-seen value a newer timestamp. */
  restampedBy?: string
  /** The store's copy before the step, when the log says. */
  before?: Copy
  /** What taking the offer did: a new value, only a new timestamp, or nothing. */
  effect: "changed" | "restamped" | "none"
  /** Before/after diff, for steps that changed the value. */
  changes: JsonChange[]
}

/** Steps kept per key (the newest). */
export const MAX_STEPS = 500

/**
 * Follows one key through the log, one record at a time, oldest first.
 * `localPeerId` is the repo's own peer (the writer of its local writes).
 */
export class KeyHistoryBuilder {
  readonly steps: HistoryStep[] = []
  /** Counts every change to the steps (new ones, and decisions taken later). */
  version = 0
  #held: Copy | undefined
  /** Offers the store has not confirmed yet (accepted by the rule, or undecided). */
  #awaiting: HistoryStep[] = []
  /** Earliest timestamp each value (as JSON) was seen with. */
  readonly #seen = new Map<string, number>()

  constructor(
    readonly ref: KeyRef,
    readonly localPeerId: string,
  ) {}

  /** What the store holds now, as far as the log says. */
  get held(): Copy | undefined {
    return this.#held
  }

  add(record: LogRecord): void {
    const { event } = record
    if (event.repoId !== this.ref.repoId) return
    if (event.kind === "store") {
      if (event.docId !== this.ref.docId || event.namespace !== this.ref.namespace || !Array.isArray(event.entries)) return
      const entry = event.entries.find(candidate => candidate?.key === this.ref.key)
      if (entry) this.#storeChange(record, String(event.by), entry)
    } else if (event.kind === "channel-in") {
      if (!record.facets.docIds.includes(this.ref.docId)) return
      for (const payload of decodeMessage(event.message)) {
        if (
          payload.payload.namespace !== this.ref.namespace ||
          (payload.payload.docId !== undefined && payload.payload.docId !== this.ref.docId)
        )
          continue
        const entry = payload.entries.find(candidate => candidate.key === this.ref.key)
        if (!entry) continue
        const origin: StepOrigin = {
          kind: "frame",
          channelId: event.channelId,
          carrier: payload.payload.carrier,
          ...(event.peerId === undefined ? {} : { channelPeer: event.peerId }),
          ...(payload.payload.sender === undefined ? {} : { sender: payload.payload.sender }),
        }
        this.#offer(record, origin, copyOf(entry))
      }
    }
  }

  #offer(record: LogRecord, origin: Extract<StepOrigin, { kind: "frame" }>, offered: Copy): void {
    const writer = peerOfKey(this.ref.key) ?? origin.sender
    const held = this.#held
    const decision: Decision = held === undefined ? "pending" : decide(offered, held)
    const step = this.#step(record, origin, offered, decision, writer, held)
    if (origin.sender !== undefined && origin.channelPeer !== undefined && origin.channelPeer !== origin.sender)
      step.relayedBy = origin.channelPeer
    // Only another repo's copy counts: the writer sending a value again is a write, not a re-stamp.
    if (origin.sender !== undefined && origin.sender !== writer && this.#isRestamp(offered)) step.restampedBy = origin.sender
    this.#note(offered)
    if (decision === "accepted" || decision === "pending") this.#awaiting.push(step)
    if (decision === "accepted") this.#take(step, offered)
  }

  #storeChange(record: LogRecord, by: string, entry: StoreEntry): void {
    const copy = copyOf(entry)
    if (by === "import") {
      const confirmed = this.#awaiting.findIndex(step => sameCopy(step.offered, copy))
      // Undecided offers before the confirmed one were refused; so are all of them if none matches.
      const settledUpTo = confirmed === -1 ? this.#awaiting.length : confirmed
      for (const step of this.#awaiting.slice(0, settledUpTo)) this.#refuseIfPending(step)
      if (confirmed !== -1) {
        const step = this.#awaiting[confirmed]!
        if (step.decision === "pending") {
          step.decision = "accepted"
          this.#take(step, copy)
          this.version++
        }
        this.#awaiting = this.#awaiting.slice(confirmed + 1)
        this.#held = copy
        return
      }
      this.#awaiting = []
    }
    const held = this.#held
    const sameValue = held !== undefined && sameContent(held, copy)
    const origin: StepOrigin =
      by === "import"
        ? { kind: "import" }
        : by === "timeout"
          ? { kind: "timeout" }
          : sameValue
            ? { kind: "local-restamp" }
            : { kind: "local" }
    const writer = by === "import" ? peerOfKey(this.ref.key) : this.localPeerId
    if (by !== "import") this.#settleAwaiting()
    const step = this.#step(record, origin, copy, "accepted", writer, held)
    if (origin.kind === "local-restamp") step.restampedBy = this.localPeerId
    this.#note(copy)
    this.#take(step, copy)
  }

  /**
   * The store moved on by itself (a local write, an expiry): the import
   * events of every offer before it would have come first, so an undecided
   * offer was refused.
   */
  #settleAwaiting(): void {
    for (const step of this.#awaiting) this.#refuseIfPending(step)
    this.#awaiting = []
  }

  #refuseIfPending(step: HistoryStep): void {
    if (step.decision !== "pending") return
    step.decision = "refused"
    this.version++
  }

  #step(
    record: LogRecord,
    origin: StepOrigin,
    offered: Copy,
    decision: Decision,
    writer: string | undefined,
    before: Copy | undefined,
  ): HistoryStep {
    const step: HistoryStep = {
      id: this.version,
      seq: record.seq,
      eventId: record.event.id,
      t: record.event.t,
      origin,
      offered,
      decision,
      ...(writer === undefined ? {} : { writer }),
      ...(before === undefined ? {} : { before }),
      effect: "none",
      changes: [],
    }
    this.steps.push(step)
    this.version++
    if (this.steps.length > MAX_STEPS) this.steps.splice(0, this.steps.length - MAX_STEPS)
    return step
  }

  /** The store takes `copy`: the step says what that did, and the copy is what it holds. */
  #take(step: HistoryStep, copy: Copy): void {
    const before = step.before
    if (before === undefined || !sameContent(before, copy)) {
      step.effect = "changed"
      step.changes = jsonDiff(before?.deleted === false ? before.value : undefined, copy.deleted ? undefined : copy.value)
    } else {
      step.effect = before.timestamp === copy.timestamp ? "none" : "restamped"
    }
    this.#held = copy
  }

  /** A value seen before under an older timestamp. */
  #isRestamp(copy: Copy): boolean {
    const first = this.#seen.get(contentKey(copy))
    return first !== undefined && copy.timestamp !== undefined && copy.timestamp > first
  }

  #note(copy: Copy): void {
    const key = contentKey(copy)
    const first = this.#seen.get(key)
    if (copy.timestamp !== undefined && (first === undefined || copy.timestamp < first)) this.#seen.set(key, copy.timestamp)
  }
}

/** The history of `ref` over `records` (oldest first). */
export function keyHistory(records: Iterable<LogRecord>, ref: KeyRef, localPeerId: string): HistoryStep[] {
  const builder = new KeyHistoryBuilder(ref, localPeerId)
  for (const record of records) builder.add(record)
  return builder.steps
}
