/**
 * Opening a recording: read and check the file (in a Worker), then replay it
 * into the time-travel index (here, in slices), with progress for both.
 * Cancel stops either at once: the reader is terminated, the replay stops at
 * its next slice and nothing of it is kept. The opened recording replaces
 * the previous one only when it opened (a cut file opens with what it holds,
 * and says so); a bad file leaves the panel as it was and says what is wrong.
 */
import type { DecodedRecording, RecordingLimits } from "../../recording/decode"
import { errorText, RecordingError } from "../../recording/errors"
import { readRecordingFile } from "../../recording/read-recording"
import { indexSteps } from "../../recording/steps"
import { TimeTravel } from "../../recording/time-travel"
import { Player } from "./player.svelte"

export interface OpenProgress {
  phase: "reading" | "indexing"
  /** 0..1 within the whole open (reading is the first half). */
  fraction: number
  fileName: string
}

export class Opener {
  progress: OpenProgress | undefined = $state()
  error: string | undefined = $state()
  #current: AbortController | undefined
  readonly #limits: Partial<RecordingLimits>

  /** `limits` are for tests; the panel opens with the defaults. */
  constructor(limits: Partial<RecordingLimits> = {}) {
    this.#limits = limits
  }

  /** Resolves with the opened recording, or undefined when it failed (see `error`) or a newer open replaced it. */
  async openFile(file: Blob, fileName: string): Promise<Player | undefined> {
    return this.#open(fileName, signal =>
      readRecordingFile(file, {
        limits: this.#limits,
        signal,
        onProgress: fraction => {
          if (!signal.aborted) this.progress = { phase: "reading", fraction: fraction / 2, fileName }
        },
      }),
    )
  }

  /** A recording already in memory (the one just stopped). */
  async openRecording(recording: DecodedRecording, name: string): Promise<Player | undefined> {
    return this.#open(name, async () => recording)
  }

  cancel(): void {
    this.#current?.abort()
    this.#current = undefined
    this.progress = undefined
  }

  async #open(fileName: string, read: (signal: AbortSignal) => Promise<DecodedRecording>): Promise<Player | undefined> {
    this.cancel()
    const controller = new AbortController()
    this.#current = controller
    this.error = undefined
    this.progress = { phase: "reading", fraction: 0, fileName }
    try {
      const recording = await read(controller.signal)
      controller.signal.throwIfAborted()
      const travel = await TimeTravel.build(indexSteps(recording), {
        signal: controller.signal,
        onProgress: fraction => (this.progress = { phase: "indexing", fraction: 0.5 + fraction / 2, fileName }),
      })
      controller.signal.throwIfAborted()
      return new Player(travel, recording, fileName, recording.cut)
    } catch (error) {
      if (controller.signal.aborted) return undefined
      this.error = error instanceof RecordingError ? error.message : `Could not open ${fileName}: ${errorText(error)}`
      return undefined
    } finally {
      if (this.#current === controller) {
        this.#current = undefined
        this.progress = undefined
      }
    }
  }
}
