/**
 * Splits a channel message into its ephemeral frames and the rest, so that
 * simulated network conditions hold back presence without holding back
 * documents: a `channel/batch` may carry both. Messages are never changed
 * in place (the repo hands one message object to several envelopes).
 */
import type { BatchableMsg, ChannelMsg } from "@loro-extended/repo"

export interface SplitMessage {
  /** The `channel/ephemeral` frames, as one message (a batch when several); undefined when none. */
  ephemeral: ChannelMsg | undefined
  /** Everything else, as one message; undefined when nothing else. */
  rest: ChannelMsg | undefined
}

function isEphemeral(message: { type?: unknown }): boolean {
  return message.type === "channel/ephemeral"
}

function joined(template: ChannelMsg, messages: BatchableMsg[]): ChannelMsg | undefined {
  if (messages.length === 0) return undefined
  if (messages.length === 1) return messages[0]
  return { ...template, type: "channel/batch", messages } as ChannelMsg
}

export function splitEphemeral(message: ChannelMsg): SplitMessage {
  if (isEphemeral(message)) return { ephemeral: message, rest: undefined }
  if (message.type !== "channel/batch" || !Array.isArray(message.messages)) return { ephemeral: undefined, rest: message }
  const ephemeral = message.messages.filter(isEphemeral)
  if (ephemeral.length === 0) return { ephemeral: undefined, rest: message }
  if (ephemeral.length === message.messages.length) return { ephemeral: message, rest: undefined }
  return {
    ephemeral: joined(message, ephemeral),
    rest: joined(
      message,
      message.messages.filter(inner => !isEphemeral(inner)),
    ),
  }
}
