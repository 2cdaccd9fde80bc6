/**
 * The real page hook on an in-memory window, with the panel's own pipeline
 * behind it: what the hook posts goes through the panel's transport
 * (`fromWire`) and reducer (`applyAll`), exactly as in the extension.
 */
import type { HookEvent, HookToPanelMessage, PanelToHookMessage } from "../../protocol/messages"
import { memoryTransport, type MemoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import type { EphemeraHook } from "../../injected/hook/types"
import { applyAll } from "../../devtools-panel/state/apply"
import { initialState, type PanelState } from "../../devtools-panel/state/panel-state"
import { fromWire } from "../../devtools-panel/transport/transport"

export interface HookHarness {
  hook: EphemeraHook
  transport: MemoryTransport
  relay(message: PanelToHookMessage): void
  /** Everything posted so far (tapes expanded), after a flush. */
  messages(): HookToPanelMessage[]
  /** The events of one repo, after a flush. */
  events(repoId: string): HookEvent[]
  /** The panel's state after everything posted so far. */
  panel(now?: number): PanelState
  repoId(label: string): string
  dispose(): void
}

export function createHookHarness(root: object = {}): HookHarness {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root })
  // The relay's private channel: what it delivers is the panel's command itself.
  const relay = (message: PanelToHookMessage) => transport.deliver(message)
  const messages = () => {
    hook.flush()
    return transport.messages()
  }
  return {
    hook,
    transport,
    relay,
    messages,
    events: repoId => messages().flatMap(message => (message.type === "repo/events" && message.repoId === repoId ? message.events : [])),
    panel(now = Date.now()) {
      hook.flush()
      const wire = transport.posted.flatMap(envelope =>
        fromWire({ type: "background/page-batch", seq: envelope.seq, batchJson: envelope.batchJson }),
      )
      return applyAll(initialState(), wire, now)
    },
    repoId(label) {
      const info = hook.repos().find(repo => repo.label === label)
      if (!info) throw new Error(`no repo labelled ${label}`)
      return info.repoId
    },
    dispose,
  }
}
