/**
 * The contract between the engine and a detector: a detector sees every
 * event with the facts as they were before it, keeps whatever small state
 * it needs, and raises or ends findings. Detectors know nothing of Svelte,
 * the DOM or the hook's wire format.
 */
import type { SourceLibrary } from "../../protocol/messages"
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
  /**
   * The libraries whose repos' events it judges (undefined: every one). A
   * detector built on one library's rules must not judge another's repos.
   */
  readonly libraries?: readonly SourceLibrary[]
  observe(event: DiagnosticEvent, context: DetectorContext): void
}

/** For detectors of loro-extended's store rules (last-writer-wins stamps, heartbeat re-stamps). */
export const LORO_EXTENDED_ONLY: readonly SourceLibrary[] = ["loro-extended"]
/** For detectors of automerge-repo's Presence and gossip. */
export const AUTOMERGE_REPO_ONLY: readonly SourceLibrary[] = ["automerge-repo"]
