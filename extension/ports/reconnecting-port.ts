/**
 * A runtime port that comes back by itself. Chrome stops an idle MV3 service
 * worker (and Firefox suspends its event page); every port to it disconnects
 * and the next connect() starts it again.
 */

/** The slice of runtime.Port the relay and panel use (so tests can pass fakes). */
export interface PortLike {
  postMessage(message: unknown): void
  disconnect(): void
  onMessage: { addListener(listener: (message: unknown) => void): void }
  onDisconnect: { addListener(listener: () => void): void }
}

export interface ReconnectingPortOptions {
  connect: () => PortLike
  name: string
  /** Runs on every (re)connection, before queued messages; typically a hello. */
  onConnect: (send: (message: unknown) => void) => void
  onMessage: (message: unknown) => void
  onDisconnect: () => void
  /** First retry delay; doubles up to maxDelayMs. */
  minDelayMs?: number
  maxDelayMs?: number
}

export interface ReconnectingPort {
  readonly connected: boolean
  /** Sends now, or drops when disconnected (callers that must not lose data buffer themselves). */
  send(message: unknown): boolean
  close(): void
  /** How many times the port came back after a disconnect. */
  readonly reconnects: number
}

export function reconnectingPort(options: ReconnectingPortOptions): ReconnectingPort {
  const minDelay = options.minDelayMs ?? 50
  const maxDelay = options.maxDelayMs ?? 2_000
  let port: PortLike | undefined
  let closed = false
  let delay = minDelay
  let reconnects = 0
  let everConnected = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  function open(): void {
    if (closed) return
    let next: PortLike
    try {
      next = options.connect()
    } catch (error) {
      // "Extension context invalidated": the extension was reloaded or
      // removed; this script is an orphan and must stay quiet.
      if (String(error).includes("context invalidated")) {
        closed = true
        return
      }
      scheduleRetry()
      return
    }
    port = next
    if (everConnected) reconnects++
    everConnected = true
    next.onMessage.addListener(message => {
      delay = minDelay
      options.onMessage(message)
    })
    next.onDisconnect.addListener(() => {
      if (port !== next) return
      port = undefined
      options.onDisconnect()
      scheduleRetry()
    })
    options.onConnect(message => next.postMessage(message))
  }

  function scheduleRetry(): void {
    if (closed || retryTimer !== undefined) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      open()
    }, delay)
    delay = Math.min(delay * 2, maxDelay)
  }

  open()

  return {
    get connected() {
      return port !== undefined
    },
    get reconnects() {
      return reconnects
    },
    send(message) {
      if (!port) return false
      try {
        port.postMessage(message)
        return true
      } catch {
        // The port died between its disconnect event and this call.
        port = undefined
        scheduleRetry()
        return false
      }
    },
    close() {
      closed = true
      clearTimeout(retryTimer)
      port?.disconnect()
      port = undefined
    },
  }
}
