import { randomFriendlyName } from "./friendly-names"

/** Everything the page reads from its URL. */
export interface PageOptions {
  /** `?room=`; the document is `room:<room>`. */
  room: string
  /** `?name=`; the first peer's name, extra peers are `<name>-2`, `<name>-3`, … */
  name: string
  /** `?peers=N`: how many peers (repos, sockets) this one page hosts. */
  peerCount: number
  /** `?register=0` turns registration off and exposes `window.repo` instead. */
  registerWithDevtools: boolean
  /** `?hub=ws://…`; by default the server that served the page, at `socketPath`. */
  hubUrl: string
  /** `?autopilot=0` keeps the extra peers still (tests that compare exact values want that). */
  autopilot: boolean
}

const MAX_PEERS = 12

/** `socketPath`: where the serving server takes WebSockets (the hub's `/ws`, automerge's sync server's `/sync`). */
export function readPageOptions(location: Location, socketPath = "/ws"): PageOptions {
  const params = new URLSearchParams(location.search)
  const socketScheme = location.protocol === "https:" ? "wss" : "ws"
  return {
    room: params.get("room")?.trim() || "lobby",
    name: params.get("name")?.trim() || randomFriendlyName(),
    peerCount: clamp(Number.parseInt(params.get("peers") ?? "1", 10), 1, MAX_PEERS),
    registerWithDevtools: params.get("register") !== "0",
    hubUrl: params.get("hub") || `${socketScheme}://${location.host}${socketPath}`,
    autopilot: params.get("autopilot") !== "0",
  }
}

/** Names of the peers this page hosts, the first one being the user. */
export function peerNames({ name, peerCount }: PageOptions): string[] {
  return Array.from({ length: peerCount }, (_, index) => (index === 0 ? name : `${name}-${index + 1}`))
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min
}
