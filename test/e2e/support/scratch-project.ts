/**
 * A scratch app that installs the packed package as an app would: the
 * tarball from `npm pack`, installed with `npm install --offline` (the
 * package has no dependencies, so nothing is fetched), beside the peer
 * libraries, linked from this repository's node_modules.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { ROOT } from "./paths"

export const PACKAGE_DIR = resolve(ROOT, process.env.EPHEMERA_DIST ?? "dist", "package")

/** The peer libraries an app brings, and loro-crdt's own dependency-free build. */
const PEERS = ["@loro-extended/repo", "@loro-extended/change", "loro-crdt"]

export interface PackedFile {
  path: string
  size: number
}

/** What `npm pack --dry-run` says the tarball holds. */
export function packList(): PackedFile[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PACKAGE_DIR, encoding: "utf8" })
  return (JSON.parse(out) as Array<{ files: PackedFile[] }>)[0]!.files
}

export interface ScratchProject {
  dir: string
  /** Runs `node --input-type=module` with `code` in the project; returns stdout. */
  node(code: string): string
  remove(): void
}

export function scratchProject(): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), "ephemera-app-"))
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: PACKAGE_DIR, stdio: "ignore" })
  const tarball = readdirSync(dir).find(name => name.endsWith(".tgz"))!
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }))
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", `./${tarball}`], { cwd: dir, stdio: "pipe" })
  for (const name of PEERS) {
    const target = join(dir, "node_modules", name)
    mkdirSync(resolve(target, ".."), { recursive: true })
    symlinkSync(join(ROOT, "node_modules", name), target, "dir")
  }
  return {
    dir,
    node: code => execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: dir, encoding: "utf8" }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
