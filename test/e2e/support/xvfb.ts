/**
 * A virtual X display (Debian's Xvfb) for the one test that runs Firefox
 * with real windows: the DevTools toolbox, docked in the browser window, as
 * its users see it. Xvfb picks a free display number itself (-displayfd)
 * and writes it once it accepts clients, so nothing waits on a guess.
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import type { Readable } from "node:stream"

export interface VirtualDisplay {
  /** For DISPLAY, e.g. ":99". */
  display: string
  close(): Promise<void>
}

export function xvfbPath(): string {
  const path = process.env.XVFB_PATH ?? "/usr/bin/Xvfb"
  if (!existsSync(path)) {
    throw new Error(`Xvfb not found at ${path}. Install it with: sudo apt-get update && sudo apt-get install -y xvfb (or set XVFB_PATH).`)
  }
  return path
}

export async function startXvfb(): Promise<VirtualDisplay> {
  const child = spawn(xvfbPath(), ["-displayfd", "3", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  })
  let stderr = ""
  child.stderr!.on("data", chunk => (stderr += chunk))
  const exited = new Promise<void>(resolve => child.once("exit", () => resolve()))
  const number = await new Promise<string>((resolve, reject) => {
    let text = ""
    const fd3 = child.stdio[3] as Readable
    fd3.on("data", chunk => {
      text += chunk
      if (text.includes("\n")) resolve(text.trim())
    })
    child.once("exit", code => reject(new Error(`Xvfb exited (${code}) before it had a display: ${stderr.trim()}`)))
    child.once("error", reject)
  })
  return {
    display: `:${number}`,
    async close() {
      if (child.exitCode === null) child.kill("SIGTERM")
      await exited
    },
  }
}
