/**
 * Runs the engine's work on the repo in order, in a microtask.
 *
 * Never synchronously: the engine is called from the panel's message handler
 * and the adapter from inside the repo's own dispatch; delivering there would
 * re-enter the repo. In order: a frame must not overtake the handshake that
 * establishes its channel, and a tombstone must land before the channel goes.
 * Each task is isolated: the repo throws synchronously on corrupt data, and
 * one failure must not stall everything queued behind it.
 */
export type DeliveryErrorHandler = (error: unknown) => void

export class DeliveryQueue {
  readonly #tasks: Array<{ run: () => void; onError: DeliveryErrorHandler | undefined }> = []
  readonly #onError: DeliveryErrorHandler
  #scheduled = false
  #idleWaiters: Array<() => void> = []

  constructor(onError: DeliveryErrorHandler) {
    this.#onError = onError
  }

  /** `onError` gets what the task throws; without one the queue's own handler does. */
  push(run: () => void, onError?: DeliveryErrorHandler): void {
    this.#tasks.push({ run, onError })
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => this.#drain())
  }

  /** Resolves once everything queued so far (and anything it queued) has run. */
  idle(): Promise<void> {
    if (!this.#scheduled) return Promise.resolve()
    return new Promise(resolve => this.#idleWaiters.push(resolve))
  }

  #drain(): void {
    // Tasks may queue more tasks (an answer to the handshake); run those too.
    for (let task = this.#tasks.shift(); task; task = this.#tasks.shift()) {
      try {
        task.run()
      } catch (error) {
        ;(task.onError ?? this.#onError)(error)
      }
    }
    this.#scheduled = false
    for (const resolve of this.#idleWaiters.splice(0)) resolve()
  }
}
