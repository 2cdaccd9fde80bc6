/**
 * The log of an opened recording, at its cursor: the log view reads the
 * time-travelled state, so it shows exactly the events up to that moment and
 * follows the cursor as it moves. Pause, clear and buffer size act on the
 * moment shown and are dropped when the cursor moves on.
 */
import type { PanelState } from "../../state/panel-state"
import type { LogSource } from "../log/log-source"
import type { Player } from "./player.svelte"

export class RecordingLogSource implements LogSource {
  readonly #player: Player
  /** A change made at one cursor state: valid while the cursor shows that state. */
  #edited: { base: PanelState; state: PanelState } | undefined = $state()

  constructor(player: Player) {
    this.#player = player
  }

  get state(): PanelState {
    const base = this.#player.state
    return this.#edited?.base === base ? this.#edited.state : base
  }

  change(update: (state: PanelState) => PanelState): void {
    this.#edited = { base: this.#player.state, state: update(this.state) }
  }
}
