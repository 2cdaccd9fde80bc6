/**
 * The contract between the engine and a detector: a detector sees every
 * event with the facts as they were before it, keeps whatever small state
 * it needs, and raises or ends findings. Detectors know nothing of Svelte,
 * the DOM or the hook's wire format.
 */
import type { DiagnosticsConfig } from "./config"
import type { FindingDraft } from "./finding"
import type { DiagnosticEvent } from "./input"
import type { World } from "./world"

export interface DetectorContext {
  readonly world: World
  readonly config: DiagnosticsConfig
  raise(finding: FindingDraft): void
  /** The condition behind a finding stopped holding. */
  end(id: string, t: number): void
  /** Whether a finding is held (not ended or cleared). */
  isOpen(id: string): boolean
}

export interface Detector {
  readonly name: string
  observe(event: DiagnosticEvent, context: DetectorContext): void
}
