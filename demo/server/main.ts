import { parseArgs } from "node:util"
import { docIdForRoom } from "../shared/room"
import { startHub } from "./hub"

const DEFAULT_PORT = 8787

const USAGE = "usage: tsx demo/server/main.ts [--port N]   (or DEMO_PORT=N; default 8787, 0 picks a free port)"

function portFromCommandLine(): number {
  let flag: string | undefined
  try {
    flag = parseArgs({ options: { port: { type: "string" } } }).values.port
  } catch (error) {
    console.error(`demo: ${(error as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const raw = flag ?? (process.env.DEMO_PORT || String(DEFAULT_PORT))
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo: invalid port ${JSON.stringify(raw)}\n${USAGE}`)
    process.exit(2)
  }
  return port
}

const hub = await startHub({ port: portFromCommandLine() })
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
