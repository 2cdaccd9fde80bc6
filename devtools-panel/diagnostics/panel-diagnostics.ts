/**
 * The detectors fed with what the panel receives: the hook's messages go
 * through the panel source into the engine. Used for the live page and, the
 * same way, for an opened recording.
 */
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import type { DiagnosticsConfig } from "./config"
import { DiagnosticsEngine } from "./engine"
import { PanelEventSource } from "./panel-source"

export class PanelDiagnostics {
  readonly engine: DiagnosticsEngine
  readonly #source = new PanelEventSource()

  constructor(config: Partial<DiagnosticsConfig> = {}) {
    this.engine = new DiagnosticsEngine(config)
  }

  /** One message, as the reducer applied it at `now`. */
  receive(message: BackgroundToPanelMessage, now: number): void {
    const events = this.#source.eventsOf(message, now)
    if (events.length > 0) this.engine.ingest(events)
  }

  tick(now: number): void {
    this.engine.tick(now)
  }
}
