/**
 * What the bridge needs from its link to the content relay: send a batch,
 * hear commands. In the page it is the private channel paired at
 * document_start (relay-channel.ts); tests pass an in-memory stand-in
 * (memory-transport.ts) and capture batches without a browser.
 */
import type { HookToRelayMessage } from "../../protocol/messages"

export interface HookTransport {
  post(message: HookToRelayMessage): void
  /** Hears what the relay sends (panel commands, still unchecked). One listener; returns its remover. */
  listen(listener: (message: unknown) => void): () => void
}
