import type { PortLike } from "../../extension/ports/reconnecting-port"

/**
 * Both ends of an extension port in memory. `dropped()` simulates the browser
 * stopping the service worker: the connecting side sees onDisconnect.
 */
export class FakePortPair {
  readonly toRemote: unknown[] = []
  #local: Array<(m: unknown) => void> = []
  #disconnect: Array<() => void> = []
  alive = true

  readonly port: PortLike = {
    postMessage: message => {
      if (!this.alive) throw new Error("Attempting to use a disconnected port object")
      this.toRemote.push(structuredClone(message))
    },
    disconnect: () => {
      this.alive = false
    },
    onMessage: { addListener: listener => void this.#local.push(listener) },
    onDisconnect: { addListener: listener => void this.#disconnect.push(listener) },
  }

  /** Deliver a message from the remote side to the connecting side. */
  deliver(message: unknown): void {
    for (const listener of this.#local) listener(structuredClone(message))
  }

  /** The remote side went away (service worker stopped). */
  dropped(): void {
    this.alive = false
    for (const listener of this.#disconnect) listener()
  }
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function until<T>(check: () => T, timeoutMs = 2_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
