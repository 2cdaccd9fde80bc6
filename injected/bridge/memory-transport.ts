/**
 * An in-memory relay for the bridge: records every batch the hook sends and
 * delivers commands as if the relay had sent them. Used by the unit tests
 * and by anything that runs the hook outside a browser.
 */
import { tapeAsRepoEvents } from "../../codec/event-tape/reader"
import { StoreIntake } from "../../codec/event-tape/store-intake"
import type { HookToPanelMessage, HookToRelayMessage } from "../../protocol/messages"
import { parseBatchMessages } from "../../protocol/validate"
import type { HookTransport } from "./transport"

export interface MemoryTransport extends HookTransport {
  readonly posted: HookToRelayMessage[]
  /** Delivers `message` to the hook as the relay would. */
  deliver(message: unknown): void
  /**
   * Every message of every posted batch, in order, event tapes expanded into
   * repo/events as the panel does (store-ops through store replicas, which
   * `intake` holds afterwards; a fresh one by default).
   */
  messages(intake?: StoreIntake): HookToPanelMessage[]
}

export function memoryTransport(): MemoryTransport {
  let listener: ((message: unknown) => void) | undefined
  const posted: HookToRelayMessage[] = []
  return {
    posted,
    post: message => {
      // Cloned like postMessage would: nothing the hook keeps may leak through.
      posted.push(structuredClone(message))
    },
    listen: next => {
      listener = next
      return () => {
        if (listener === next) listener = undefined
      }
    },
    deliver: message => listener?.(structuredClone(message)),
    messages: (intake = new StoreIntake()) =>
      posted.flatMap(batch => {
        const messages = parseBatchMessages(batch.batchJson)
        if (typeof messages === "string") throw new Error(`unreadable batch ${batch.seq}: ${messages}`)
        return messages.flatMap(message => {
          if (message.type === "repo/event-tape") return tapeAsRepoEvents(message, intake)
          intake.observe(message)
          return [message]
        })
      }),
  }
}
