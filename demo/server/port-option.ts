import { parseArgs } from "node:util"

/** `--port N`, else DEMO_PORT, else `defaultPort`; exits with the usage on a bad value. */
export function portFromCommandLine(defaultPort: number, usage: string): number {
  let flag: string | undefined
  try {
    flag = parseArgs({ options: { port: { type: "string" } } }).values.port
  } catch (error) {
    console.error(`demo: ${(error as Error).message}\n${usage}`)
    process.exit(2)
  }
  const raw = flag ?? (process.env.DEMO_PORT || String(defaultPort))
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo: invalid port ${JSON.stringify(raw)}\n${usage}`)
    process.exit(2)
  }
  return port
}
