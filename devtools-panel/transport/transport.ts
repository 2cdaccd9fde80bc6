/**
 * How the panel talks to the background, whatever carries it: the real
 * extension port, or an in-memory pair in tests. The panel's state code only
 * ever sees this interface.
 */
import { tapeAsRepoEvents } from "../../codec/event-tape/reader"
import { StoreIntake } from "../../codec/event-tape/store-intake"
import type { BackgroundToPanelMessage, BackgroundToPanelWire, HookToPanelMessage, PanelToBackgroundMessage } from "../../protocol/messages"
import { parseBatchMessages } from "../../protocol/validate"
import { judgeSeq } from "./sequence"

/** The link to the background (not the page: the page's status arrives as background/page-status). */
export type TransportStatus = "connecting" | "connected" | "disconnected"

export interface PanelTransport {
  /** Sends now, or holds page-bound messages until the link is back. */
  send(message: PanelToBackgroundMessage): void
  /** Returns an unsubscribe function. */
  onMessage(listener: (message: BackgroundToPanelMessage) => void): () => void
  /** Called at once with the current status, then on every change. */
  onStatus(listener: (status: TransportStatus) => void): () => void
}

/**
 * The store replicas of each stream the panel reads (its page, and each
 * other tab by id): a stream's batches must all pass through its own, in order.
 */
export class StreamIntakes {
  readonly page = new StoreIntake()
  readonly #tabs = new Map<number, StoreIntake>()
  /** Each stream's last seq its intake applied. */
  readonly #lastSeq = new Map<StoreIntake, number>()

  /**
   * True for a batch the intake already applied, or one older than that: the
   * relay resends what the panel has not acknowledged, and an old store call
   * applied again could set a replica back (a local write always overwrites).
   * The reducer refuses the same batches (`judgeSeq`); a new hook's hello
   * starts a new numbering and is never a repeat.
   */
  isRepeat(intake: StoreIntake, seq: number, messages: readonly HookToPanelMessage[]): boolean {
    if (judgeSeq(this.#lastSeq.get(intake), seq).kind !== "repeat") return false
    return !messages.some(message => message.type === "hook/hello")
  }

  applied(intake: StoreIntake, seq: number): void {
    this.#lastSeq.set(intake, seq)
  }

  tab(tabId: number): StoreIntake {
    const held = this.#tabs.get(tabId)
    if (held) return held
    const intake = new StoreIntake()
    this.#tabs.set(tabId, intake)
    return intake
  }
}

type PageBatchOrUnreadable = Extract<BackgroundToPanelMessage, { type: "background/tab-batch" }>["message"]

/**
 * What the reducer gets for a message off the port. Page batches arrive as
 * the hook's JSON text and are parsed here, off the page's thread; event
 * tapes are expanded into repo/events. The seq is the number beside the
 * text, never anything in it. Text that is not a batch, or a batch with a
 * tape that does not decode (the hook never writes one: it is damaged),
 * becomes a panel/unreadable the status bar counts, and nothing of it is
 * applied. Another tab's batch (a room across tabs) is read the same way
 * and keeps its tab id.
 */
export function fromWire(message: BackgroundToPanelWire, intakes = new StreamIntakes()): BackgroundToPanelMessage[] {
  switch (message.type) {
    case "background/page-batch": {
      const read = readBatch(message.seq, message.batchJson, intakes, intakes.page)
      if (read.type !== "background/page-batch") return [read]
      const skipped = Number.isSafeInteger(message.skipped) && message.skipped! > 0 ? { skipped: message.skipped } : {}
      return [{ ...read, ...skipped }]
    }
    case "background/tab-batch":
      if (!Number.isSafeInteger(message.tabId)) return []
      return [
        {
          type: "background/tab-batch",
          tabId: message.tabId,
          message: readBatch(message.seq, message.batchJson, intakes, intakes.tab(message.tabId)),
        },
      ]
    case "background/origin-tabs":
      return Array.isArray(message.tabs) ? [message] : []
    default:
      return [message]
  }
}

function readBatch(seq: unknown, batchJson: unknown, intakes: StreamIntakes, intake: StoreIntake): PageBatchOrUnreadable {
  if (typeof batchJson !== "string") return { type: "panel/unreadable", reason: "not-plain-data", count: 1 }
  if (!Number.isSafeInteger(seq)) return { type: "panel/unreadable", reason: "bad-shape", count: 1 }
  const batch = parseBatchMessages(batchJson)
  if (typeof batch === "string") return { type: "panel/unreadable", reason: batch, count: 1 }
  // Passed on as it came, for the reducer to refuse and count; the replicas never see it again.
  if (intakes.isRepeat(intake, seq as number, batch))
    return { type: "background/page-batch", batch: { seq: seq as number, messages: batch } }
  const messages: HookToPanelMessage[] = []
  for (const inner of batch) {
    if (inner.type !== "repo/event-tape") {
      intake.observe(inner)
      messages.push(inner)
      continue
    }
    try {
      messages.push(...tapeAsRepoEvents(inner, intake))
    } catch {
      return { type: "panel/unreadable", reason: "bad-shape", count: Math.max(1, carried(batch)) }
    }
  }
  intakes.applied(intake, seq as number)
  return { type: "background/page-batch", batch: { seq: seq as number, messages } }
}

/** Events and other messages a batch says it carries (what is lost when it cannot be read). */
function carried(messages: readonly HookToPanelMessage[]): number {
  let count = 0
  for (const message of messages) {
    const events = message.type === "repo/event-tape" ? message.events : message.type === "repo/events" ? message.events?.length : 1
    count += Number.isSafeInteger(events) && (events as number) > 0 ? (events as number) : 1
  }
  return count
}
