/**
 * The standalone panel's wire: Node processes (a hub, workers) run the same
 * hook as a page, and stream to the standalone server over WebSocket; the
 * server routes between them ("sources") and any number of panel pages.
 *
 *   Node hook ──/hook──▶ standalone server ──/panel──▶ panel page
 *
 * Every frame is one JSON object of the unions below. A source's batches
 * travel as the hook's JSON text, untouched by the server, as they do
 * through the extension's relay; the panel parses and checks them.
 *
 * Both sockets authenticate with the token the server prints (the
 * `token` query parameter of the socket's URL): any web page on the machine
 * can reach a localhost port.
 */
import type { PanelToHookMessage } from "./messages"

/** Where Node hooks connect. */
export const STANDALONE_HOOK_PATH = "/hook"
/** Where panel pages connect. */
export const STANDALONE_PANEL_PATH = "/panel"
/** The query parameter (on both sockets) and the URL fragment key (on the panel page) carrying the token. */
export const STANDALONE_TOKEN_PARAM = "token"
/** The environment variable naming the standalone server for a Node process: `ws://127.0.0.1:PORT#token`. */
export const STANDALONE_ENV = "EPHEMERA_STANDALONE"
/** The port `npx ephemera-devtools` listens on unless told otherwise. */
export const STANDALONE_DEFAULT_PORT = 8790

/** WebSocket close codes the server uses when it refuses a source. */
export const CLOSE_PROTOCOL_MISMATCH = 4002
export const CLOSE_BAD_HELLO = 4003

/** Node hook -> server. */
export type SourceToServerMessage =
  /** First frame on every (re)connection: who is speaking. `source` is random per process and stays across reconnections. */
  | { type: "source/hello"; protocol: number; source: string; label: string }
  /** One batch of the hook, as the hook's JSON text (a HookBatch). */
  | { type: "source/batch"; batchJson: string }
  /** Items (events and messages) of batches the source could not deliver while the server was away. */
  | { type: "source/lost"; count: number }

/** Server -> Node hook. */
export type ServerToSourceMessage =
  /** A panel's message for the hook (panel/unsubscribe comes from the server itself when the last panel leaves). */
  { type: "server/to-hook"; message: PanelToHookMessage }

export interface SourceInfo {
  source: string
  /** What the process called itself (`connect(repo, { label })`, or its pid). */
  label: string
  connected: boolean
}

/** Server -> panel page. */
export type ServerToPanelMessage =
  /** First frame on every panel connection: every source the server knows. */
  | { type: "server/sources"; sources: SourceInfo[] }
  /** A source connected or went away. */
  | { type: "server/source"; source: SourceInfo }
  /** A source's batch, as its hook's JSON text. */
  | { type: "server/batch"; source: string; batchJson: string }
  /** What a source reported lost (source/lost). */
  | { type: "server/lost"; source: string; count: number }

/** Panel page -> server. */
export type PanelToServerMessage =
  /** Forward to one source's hook. */
  { type: "panel/to-source"; source: string; message: PanelToHookMessage }
