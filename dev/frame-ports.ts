/**
 * Extension ports stood in for by MessagePorts, for the dev page (npm run
 * dev), where the panel, the router and the demo page's relay are plain
 * pages and frames. One end is a PortLike (what the relay and the panel's
 * transport use), the other a RouterPort for the tab router. A MessagePort
 * does not tell when its other end goes, so a disconnect travels as a
 * message of its own, as a runtime port's onDisconnect would tell it.
 */
import type { RouterPort } from "../extension/background/tab-router"
import type { PortLike } from "../extension/ports/reconnecting-port"

/** What a frame posts to the dev page, with a MessagePort, to open a port (runtime.connect). */
export const CONNECT_REQUEST = "ephemera-dev/connect"

type Frame = { message: unknown } | { disconnect: true }

function isDisconnect(frame: Frame): frame is { disconnect: true } {
  return "disconnect" in frame
}

export function portLike(port: MessagePort): PortLike {
  const messageListeners: Array<(message: unknown) => void> = []
  const disconnectListeners: Array<() => void> = []
  port.onmessage = event => {
    const frame = event.data as Frame
    if (!isDisconnect(frame)) {
      for (const listener of messageListeners) listener(frame.message)
      return
    }
    port.close()
    for (const listener of disconnectListeners) listener()
  }
  return {
    postMessage: message => port.postMessage({ message } satisfies Frame),
    disconnect: () => {
      port.postMessage({ disconnect: true } satisfies Frame)
      port.close()
    },
    onMessage: { addListener: listener => void messageListeners.push(listener) },
    onDisconnect: { addListener: listener => void disconnectListeners.push(listener) },
  }
}

/** The router's end: what arrives goes to `receive`, the other end's going to `drop`. */
export function routerPort(
  port: MessagePort,
  sender: Omit<RouterPort, "post" | "disconnect">,
  router: { receive(port: RouterPort, message: unknown): void; drop(port: RouterPort): void },
): RouterPort {
  const routed: RouterPort = {
    ...sender,
    post: message => port.postMessage({ message } satisfies Frame),
    disconnect: () => {
      port.postMessage({ disconnect: true } satisfies Frame)
      port.close()
    },
  }
  port.onmessage = event => {
    const frame = event.data as Frame
    if (!isDisconnect(frame)) return router.receive(routed, frame.message)
    port.close()
    router.drop(routed)
  }
  return routed
}
