import { docIdForRoom } from "../shared/room"
import { startHub } from "./hub"
import { portFromCommandLine } from "./port-option"

const DEFAULT_PORT = 8787

const USAGE = "usage: tsx demo/server/main.ts [--port N]   (or DEMO_PORT=N; default 8787, 0 picks a free port)"

const hub = await startHub({ port: portFromCommandLine(DEFAULT_PORT, USAGE) })
console.log(`demo: ${hub.url}/?room=lobby`)
console.log(`demo: peers connect to ${hub.wsUrl}; the lobby's document is "${docIdForRoom("lobby")}"`)

let closing = false
async function shutDown(): Promise<void> {
  if (closing) return
  closing = true
  await hub.close()
  process.exit(0)
}
process.on("SIGINT", () => void shutDown())
process.on("SIGTERM", () => void shutDown())
