/**
 * An in-memory window for the bridge: records every posted envelope and
 * delivers messages as if they came from the page's window. Used by the
 * unit tests and by anything that runs the hook outside a browser.
 */
import { tapeAsRepoEvents } from "../../codec/event-tape/reader"
import type { HookBatch, HookToPanelMessage, HookVersionEnvelope, PageEnvelope, PageWindowEnvelope } from "../../protocol/messages"
import type { HookTransport, WindowMessage } from "./transport"

export interface MemoryTransport extends HookTransport {
  readonly posted: PageWindowEnvelope[]
  /** Version announcements (they carry no batch). */
  readonly announcements: HookVersionEnvelope[]
  /** Delivers `data` to the listeners, from this window unless `source` says otherwise. */
  deliver(data: unknown, source?: unknown): void
  /** Every message of every posted batch, in order, event tapes expanded into repo/events as the panel does. */
  messages(): HookToPanelMessage[]
}

export function memoryTransport(): MemoryTransport {
  const self = { name: "memory window" }
  const listeners = new Set<(event: WindowMessage) => void>()
  const posted: PageWindowEnvelope[] = []
  const announcements: HookVersionEnvelope[] = []
  return {
    self,
    posted,
    announcements,
    post: envelope => {
      // Cloned like postMessage would: nothing the hook keeps may leak through.
      if (isBatch(envelope)) posted.push(structuredClone(envelope))
      else announcements.push(structuredClone(envelope))
    },
    listen: listener => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    deliver: (data, source = self) => {
      for (const listener of Array.from(listeners)) listener({ data, source })
    },
    messages: () =>
      posted.flatMap(envelope =>
        (JSON.parse(envelope.batchJson) as HookBatch).messages.flatMap(message =>
          message.type === "repo/event-tape" ? tapeAsRepoEvents(message) : [message],
        ),
      ),
  }
}

function isBatch(envelope: PageEnvelope): envelope is PageWindowEnvelope {
  return "batchJson" in envelope
}
