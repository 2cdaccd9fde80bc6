/**
 * How the panel talks to the background, whatever carries it: the real
 * extension port, or an in-memory pair in tests. The panel's state code only
 * ever sees this interface.
 */
import type { BackgroundToPanelMessage, BackgroundToPanelWire, PanelToBackgroundMessage } from "../../protocol/messages"
import { parseHookBatch } from "../../protocol/validate"

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

const BACKGROUND_TYPES = new Set(["background/page-batch", "background/relay-stats", "background/page-status"])

/** The background is our own code, but a message still has to look like one before the reducer sees it. */
export function isBackgroundMessage(value: unknown): value is BackgroundToPanelWire {
  return typeof value === "object" && value !== null && BACKGROUND_TYPES.has((value as { type?: unknown }).type as string)
}

/**
 * What the reducer gets for a message off the port: page batches arrive as
 * the hook's JSON text and are parsed here, off the page's thread. Text that
 * does not parse to a batch is dropped; the seq gap it leaves counts as lost.
 */
export function fromWire(message: BackgroundToPanelWire): BackgroundToPanelMessage | undefined {
  if (message.type !== "background/page-batch") return message
  if (typeof message.batchJson !== "string") return undefined
  const batch = parseHookBatch(message.batchJson)
  return typeof batch === "string" ? undefined : { type: "background/page-batch", batch }
}
