import { startSyncServer } from "./sync-server"
import { portFromCommandLine } from "../../server/port-option"

const DEFAULT_PORT = 8788

const USAGE = "usage: tsx demo/automerge/server/main.ts [--port N]   (or DEMO_PORT=N; default 8788, 0 picks a free port)"

const server = await startSyncServer({ port: portFromCommandLine(DEFAULT_PORT, USAGE) })
console.log(`demo (automerge-repo): ${server.url}/?room=lobby`)
console.log(`demo (automerge-repo): repos sync over ${server.wsUrl} with the registry's NodeWSServerAdapter`)

let closing = false
async function shutDown(): Promise<void> {
  if (closing) return
  closing = true
  await server.close()
  process.exit(0)
}
process.on("SIGINT", () => void shutDown())
process.on("SIGTERM", () => void shutDown())
