/**
 * `npx ephemera-devtools [--port N] [--token T]`: starts the standalone
 * panel and prints where to open it and what Node processes are given.
 * EPHEMERA_PORT and EPHEMERA_TOKEN do the same as the flags.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { STANDALONE_DEFAULT_PORT, STANDALONE_ENV } from "../../protocol/standalone"
import { startStandaloneServer } from "./server"

const USAGE = `usage: ephemera-devtools [--port N] [--token T]   (0 picks a free port; default ${STANDALONE_DEFAULT_PORT})`

function fail(message: string): never {
  console.error(`ephemera-devtools: ${message}\n${USAGE}`)
  process.exit(2)
}

let flags: { port?: string; token?: string; help?: boolean }
try {
  flags = parseArgs({ options: { port: { type: "string" }, token: { type: "string" }, help: { type: "boolean", short: "h" } } }).values
} catch (error) {
  fail((error as Error).message)
}
if (flags.help) {
  console.log(USAGE)
  process.exit(0)
}
const rawPort = flags.port ?? process.env.EPHEMERA_PORT ?? String(STANDALONE_DEFAULT_PORT)
const port = Number(rawPort)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port ${JSON.stringify(rawPort)}`)
const token = flags.token ?? process.env.EPHEMERA_TOKEN
if (token !== undefined && !/^[\w-]{16,200}$/.test(token)) fail("a token is 16 to 200 letters, digits, - or _")

// Beside this file in the package; in the repository, the build's output.
const panelDir = [join(import.meta.dirname, "panel"), join(import.meta.dirname, "../../dist/standalone-panel")].find(dir =>
  existsSync(join(dir, "index.html")),
)
if (!panelDir) fail("the panel page is not built (npm run build:standalone)")

const server = await startStandaloneServer({
  port,
  panelDir,
  ...(token ? { token } : {}),
  log: line => console.log(`· ${line}`),
}).catch((error: NodeJS.ErrnoException) => fail(error.code === "EADDRINUSE" ? `port ${port} is in use (--port N)` : error.message))

console.log(`Ephemera standalone panel: ${server.panelUrl}`)
console.log(`Node processes connect with ${STANDALONE_ENV}=${server.address}`)
console.log(`  (token ${server.token}: connections without it are refused)`)

let closing = false
async function stop(): Promise<void> {
  if (closing) return
  closing = true
  await server.close()
  process.exit(0)
}
process.on("SIGINT", () => void stop())
process.on("SIGTERM", () => void stop())
