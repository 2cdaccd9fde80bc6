/**
 * What the log tests over a real event stream share: alice and bob linked
 * to a hub over the library's Bridge, and the hook's posted messages turned
 * into the panel's state exactly as the relay would deliver them (the page
 * connected, then one batch per message, in order).
 */
import { Bridge, BridgeAdapter, type Repo } from "@loro-extended/repo"
import { vi } from "vitest"
import type { BackgroundToPanelMessage, HookToPanelMessage } from "../../protocol/messages"
import { applyAll } from "../../devtools-panel/state/apply"
import { initialState, type PanelState } from "../../devtools-panel/state/panel-state"

/** Waits on real time (vi.waitFor's polling) until `condition` holds. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(() => {
    if (!condition()) throw new Error(`waiting for ${what}`)
  })
}

/** Alice and bob each get a channel to the hub (the hub's side added first); resolves once both are established. */
export async function linkThroughHub(hub: Repo, alice: Repo, bob: Repo): Promise<void> {
  const toAlice = new Bridge()
  const toBob = new Bridge()
  await hub.addAdapter(new BridgeAdapter({ bridge: toAlice, adapterType: "hub-to-alice" }))
  await hub.addAdapter(new BridgeAdapter({ bridge: toBob, adapterType: "hub-to-bob" }))
  await alice.addAdapter(new BridgeAdapter({ bridge: toAlice, adapterType: "alice" }))
  await bob.addAdapter(new BridgeAdapter({ bridge: toBob, adapterType: "bob" }))
  const established = (repo: Repo) => [...repo.synchronizer.model.channels.values()].some(channel => channel.type === "established")
  await until(() => established(alice) && established(bob), "channels established")
}

/** The panel's state after the page connected and each posted message arrived in a batch of its own. */
export function panelStateOf(posted: readonly HookToPanelMessage[]): PanelState {
  const panelMessages: BackgroundToPanelMessage[] = [
    { type: "background/page-status", connected: true, url: "http://app.test/" },
    ...posted.map((message, seq): BackgroundToPanelMessage => ({ type: "background/page-batch", batch: { seq, messages: [message] } })),
  ]
  return applyAll(initialState(), panelMessages, Date.now())
}
