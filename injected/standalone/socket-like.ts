/**
 * The parts of a WebSocket the standalone link uses: the W3C shape, which
 * both Node's `ws` package and a runtime's global WebSocket have. The hook
 * imports no package; whoever connects hands it a way to open one.
 */
export interface SocketLike {
  readonly readyState: number
  /** Bytes queued but not yet sent: the link holds batches back while this is high. */
  readonly bufferedAmount: number
  send(text: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

/** WebSocket.OPEN */
export const SOCKET_OPEN = 1

export type OpenSocket = (url: string) => SocketLike
