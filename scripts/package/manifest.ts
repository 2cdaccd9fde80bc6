/**
 * The published package.json, made from the repository's: same name,
 * version and description; exports, bin and files from entries.ts; the
 * libraries an app brings itself as peer dependencies, optional because no
 * entry imports them at run time (the hook taps the repo it is handed; the
 * standalone server serves loro-crdt when the app has it). No dependencies,
 * no scripts, no devDependencies.
 */
import { BIN_NAME, ENTRIES } from "./entries"

interface RootPackage {
  name: string
  version: string
  description: string
  license?: string
  engines?: Record<string, string>
  dependencies: Record<string, string>
}

/** Peer libraries: the range the repository builds and tests against. */
const PEERS = ["@loro-extended/repo", "loro-crdt"]

export function packageJsonFor(root: RootPackage): Record<string, unknown> {
  const exports: Record<string, unknown> = {}
  for (const entry of ENTRIES) {
    if (entry.subpath === undefined) continue
    const types = `./${entry.file.replace(/\.js$/, ".d.ts")}`
    exports[entry.subpath] = entry.node ? { types, node: `./${entry.file}` } : { types, default: `./${entry.file}` }
  }
  exports["./package.json"] = "./package.json"
  const bin = ENTRIES.find(entry => entry.subpath === undefined)
  const peerDependencies = Object.fromEntries(PEERS.map(name => [name, peerRange(root.dependencies[name], name)]))
  return {
    name: root.name,
    version: root.version,
    description: root.description,
    license: root.license ?? "MIT",
    type: "module",
    engines: root.engines ?? { node: ">=20" },
    exports,
    ...(bin ? { bin: { [BIN_NAME]: `./${bin.file}` } } : {}),
    files: ["*.js", "*.d.ts", "server/", "README.md", "LICENSE", "THIRD_PARTY_LICENSES.md"],
    sideEffects: false,
    peerDependencies,
    peerDependenciesMeta: Object.fromEntries(PEERS.map(name => [name, { optional: true }])),
  }
}

/** "1.17" means any 1.17.x; "^5.4.2" stays. */
function peerRange(range: string | undefined, name: string): string {
  if (!range) throw new Error(`package.json has no dependency on ${name} to take its range from`)
  return /^\d+\.\d+$/.test(range) ? `~${range}.0` : range
}
