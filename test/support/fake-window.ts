/**
 * A window stand-in for relay and hook tests: postMessage dispatches a
 * message event asynchronously, like a browser, with `source` set to this
 * window unless the caller says the message came from elsewhere (an iframe).
 * (Node's MessageEvent only accepts MessagePorts as source, hence a plain Event.)
 */
export class FakeWindow extends EventTarget {
  /**
   * Node's MessageEvent drops `cancelable` from its init (browsers keep it,
   * and the relay learns that the hook took its port from a cancelled
   * offer), so a MessageEvent's preventDefault() is recorded here the way a
   * browser would honour it for a cancelable event.
   */
  override dispatchEvent(event: Event): boolean {
    if (!(event instanceof MessageEvent) || event.cancelable) return super.dispatchEvent(event)
    let prevented = false
    Object.defineProperty(event, "preventDefault", {
      value: () => {
        prevented = true
      },
    })
    return super.dispatchEvent(event) && !prevented
  }

  readonly posted: unknown[] = []

  postMessage(data: unknown, _targetOrigin?: string): void {
    this.posted.push(data)
    this.#dispatch(data, this)
  }

  /** A message that arrives from another browsing context. */
  postFromElsewhere(data: unknown): void {
    this.#dispatch(data, null)
  }

  #dispatch(data: unknown, source: unknown): void {
    queueMicrotask(() => this.dispatchEvent(Object.assign(new Event("message"), { data, source })))
  }
}
