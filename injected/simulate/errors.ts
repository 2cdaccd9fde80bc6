import type { SimulationErrorCode } from "../../protocol/simulate"

/**
 * A simulate request the engine refused. `message` is written for the person
 * using the panel; nothing was changed when one is thrown.
 */
export class SimulationError extends Error {
  readonly code: SimulationErrorCode

  constructor(code: SimulationErrorCode, message: string) {
    super(message)
    this.name = "SimulationError"
    this.code = code
  }
}
