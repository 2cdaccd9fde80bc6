/** Services every view needs, handed down once by App instead of through every prop list. */
import { getContext, setContext } from "svelte"
import type { Clock } from "./clock.svelte"
import type { SearchFocus } from "./search-focus"
import type { PanelSelection } from "./selection.svelte"
import type { PanelSettings } from "./settings.svelte"

export interface PanelContext {
  selection: PanelSelection
  clock: Clock
  /** Where "/" leads: a view with its own search box registers it here. */
  search: SearchFocus
  /** Whether the page still feeds what is shown: live indicators stop when it does not. */
  liveness: { readonly stale: boolean }
  settings: PanelSettings
}

const KEY = Symbol("ephemera-panel")

export function setPanelContext(context: PanelContext): void {
  setContext(KEY, context)
}

export function panelContext(): PanelContext {
  const context = getContext<PanelContext | undefined>(KEY)
  if (!context) throw new Error("panel views must be rendered inside App")
  return context
}
