/**
 * The detectors' thresholds. Defaults are chosen for @loro-extended/repo
 * 5.x (a 10 s heartbeat); every one can be changed from the Findings view.
 */
import { HEARTBEAT_MS } from "./input"

export interface DiagnosticsConfig {
  /** The repo's heartbeat interval. */
  readonly heartbeatMs: number
  /** A peer heard from neither directly nor through a relay for this many heartbeats has no live path. */
  readonly silentHeartbeats: number
  /** A timestamp this far ahead of the observer's clock is skew, not the clock's tick. */
  readonly skewToleranceMs: number
  /**
   * Amplification: between two heartbeat rounds where keys x channels grew,
   * entries sent growing by more than this factor times that growth is
   * faster than the room (1.25 = 25 % more than linear).
   */
  readonly amplificationGrowth: number
  /** Amplification regardless of growth: a heartbeat round sending more than this many copies of each key per channel. */
  readonly amplificationCeiling: number
}

export const DEFAULT_CONFIG: DiagnosticsConfig = {
  heartbeatMs: HEARTBEAT_MS,
  silentHeartbeats: 2,
  skewToleranceMs: 1_000,
  amplificationGrowth: 1.25,
  amplificationCeiling: 8,
}

/** How long a path may stay silent. */
export function silenceLimitMs(config: DiagnosticsConfig): number {
  return config.silentHeartbeats * config.heartbeatMs
}
