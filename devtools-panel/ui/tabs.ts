/**
 * The panel's views, in tab order. A view adds itself here and with one
 * branch in App.svelte.
 */
export interface PanelTab {
  id: string
  label: string
}

export const PANEL_TABS = [
  { id: "live", label: "Live" },
  { id: "findings", label: "Findings" },
  { id: "simulate", label: "Simulate" },
  { id: "log", label: "Log" },
  { id: "sync", label: "Sync" },
  { id: "tabs", label: "Across tabs" },
  { id: "record", label: "Record" },
] as const satisfies readonly PanelTab[]

export type PanelTabId = (typeof PANEL_TABS)[number]["id"]
