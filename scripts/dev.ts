/**
 * `npm run dev`: the panel with hot reload against the demo app. Starts the
 * demo hub (WebSocket only: the dev server serves the demo page from its
 * sources) and the dev server (dev/vite.config.ts), and prints the dev
 * page's address: the demo app on the left, the panel on the right. Edit a
 * panel component and it updates in place.
 *
 *   DEMO_PORT=9000 DEV_PORT=5180 npm run dev
 */
import { resolve } from "node:path"
import { createServer } from "vite"
import { startHub } from "../demo/server/hub"

const hub = await startHub({ port: Number(process.env.DEMO_PORT ?? 8787) })
process.env.EPHEMERA_DEV_HUB = hub.wsUrl
const server = await createServer({ configFile: resolve(import.meta.dirname, "../dev/vite.config.ts") })
await server.listen()
const address = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`
console.log(`✓ demo hub: ${hub.url}`)
console.log(`✓ dev page: ${new URL("dev/index.html", address).href}`)
console.log("Press Ctrl-C to stop.")

async function stop(): Promise<void> {
  await server.close()
  await hub.close()
  process.exit(0)
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
