/**
 * `model` events: after something that can change the model (a peer came or
 * went, sync traffic, a new document), the model is read again and the parts
 * that changed are sent. Reads are coalesced (at most one per
 * MODEL_READ_DELAY_MS while things happen), happen only while a panel
 * listens, and compare with what the panel last got: the registration
 * snapshot, or the last event.
 */
import type { AutomergeRepoTapName, ModelSnapshot } from "../../../protocol/messages"
import type { RepoSink, TapBoard } from "../shared/tap-board"
import { type ModelReader, modelDelta } from "./model"

/** Long enough to gather a burst (a sync round trip), short against the panel's 50 ms batches. */
export const MODEL_READ_DELAY_MS = 20

export class ModelEvents {
  readonly #reader: ModelReader
  readonly #board: TapBoard<AutomergeRepoTapName>
  readonly #sink: RepoSink
  #sent: ModelSnapshot | undefined
  #causes = new Set<string>()
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(reader: ModelReader, board: TapBoard<AutomergeRepoTapName>, sink: RepoSink) {
    this.#reader = reader
    this.#board = board
    this.#sink = sink
  }

  /** The model now, which the panel is about to get whole. */
  snapshot(): ModelSnapshot {
    this.#sent = this.#reader.read()
    return this.#sent
  }

  /** Something that can change the model happened. */
  changed(cause: string): void {
    if (!this.#sink.listening) return
    this.#causes.add(cause)
    this.#timer ??= setTimeout(() => this.#flush(), MODEL_READ_DELAY_MS)
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #flush(): void {
    this.#timer = undefined
    const cause = [...this.#causes].join(", ")
    this.#causes.clear()
    if (!this.#sink.listening) return
    // The peers tap owns the model's picture; its failure turns model events off with it.
    this.#board.guard("peers", () => {
      const next = this.#reader.read()
      const delta = modelDelta(this.#sent, next)
      this.#sent = next
      if (Object.keys(delta).length > 0) this.#sink.event("model", { cause, delta })
    })
  }
}
