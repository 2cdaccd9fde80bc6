import type { PanelState } from "../../state/panel-state"

/**
 * What the log view needs: a state to read its log from, and a way to change
 * that log (pause, clear, buffer size). The live panel store is one; an opened
 * recording's cursor is another, so the log follows the timeline.
 */
export interface LogSource {
  readonly state: PanelState
  change(update: (state: PanelState) => PanelState): void
}
