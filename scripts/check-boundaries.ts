/**
 * The import boundaries between the product's folders, checked by `npm test`
 * (npm run lint). Each folder may import only the folders listed for it, type
 * imports included; neither the folders' imports nor the files' of protocol/
 * and codec/ (what everything else stands on) may run in a circle:
 *
 *   protocol/        itself only, and no package: message types, constants, validators
 *   codec/           protocol/, and no package: the wire code both sides share
 *   injected/        codec/, protocol/: the page world
 *   extension/       codec/, protocol/: background, relay, devtools page
 *   devtools-panel/  codec/, protocol/, extension/ (its port helper): the panel
 *   standalone/      devtools-panel/, injected/, codec/, protocol/: the standalone
 *                    panel's server, its page, and the Node entry
 *
 * So the panel never imports the page hook nor the other way round, and
 * nothing of the product imports the tests, benchmarks, demo or dev page.
 *
 *   tsx scripts/check-boundaries.ts [root]
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import ts from "typescript"

/** Each governed folder, and the folders it may import besides itself. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  protocol: [],
  codec: ["protocol"],
  injected: ["codec", "protocol"],
  extension: ["codec", "protocol"],
  "devtools-panel": ["codec", "protocol", "extension"],
  standalone: ["devtools-panel", "injected", "codec", "protocol"],
}

/** Folders whose files may not import one another in a circle: the ground the others stand on. */
const NO_FILE_CIRCLES = ["protocol", "codec"]

/** Folders whose code may import no package: what they hold must run anywhere, as it is. */
const NO_PACKAGES = new Set(["protocol", "codec"])

/** A component's scripts: what its imports are in. */
const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g

export interface Import {
  /** The importing file, relative to the root. */
  file: string
  specifier: string
  /** The top folder the import resolves into; undefined for a package. */
  folder: string | undefined
}

/** Every import of every script and component in the governed folders under `root`. */
export function importsUnder(root: string): Import[] {
  const imports: Import[] = []
  for (const top of Object.keys(ALLOWED)) {
    const dir = join(root, top)
    if (!existsSync(dir)) continue
    for (const path of sourceFiles(dir)) {
      const file = relative(root, path).split(sep).join("/")
      for (const specifier of specifiersOf(path)) {
        const folder = specifier.startsWith(".") ? topFolder(relative(root, resolve(dirname(path), specifier))) : undefined
        imports.push({ file, specifier, folder })
      }
    }
  }
  return imports
}

/** What breaks the boundaries under `root`, in words; empty when nothing does. */
export function checkBoundaries(root: string): string[] {
  const problems: string[] = []
  const edges = new Map<string, Set<string>>()
  for (const { file, specifier, folder } of importsUnder(root)) {
    const from = topFolder(file)!
    if (folder === undefined) {
      if (NO_PACKAGES.has(from)) problems.push(`${file} imports the package "${specifier}" (${from}/ imports no package)`)
      continue
    }
    if (folder === from) continue
    if (!ALLOWED[from]!.includes(folder)) problems.push(`${file} imports ${specifier} (${from}/ may import ${describeAllowed(from)})`)
    if (folder in ALLOWED) {
      if (!edges.has(from)) edges.set(from, new Set())
      edges.get(from)!.add(folder)
    }
  }
  for (const cycle of cycles(edges)) problems.push(`the folders import one another in a circle: ${cycle.join(" -> ")}`)
  for (const circle of fileCircles(root)) problems.push(`these files import one another in a circle: ${circle.join(", ")}`)
  return problems
}

/**
 * The files of NO_FILE_CIRCLES that import one another in a circle, each
 * circle once as its sorted files (the strongly connected parts of the
 * file graph, found by Tarjan's algorithm).
 */
function fileCircles(root: string): string[][] {
  const edges = new Map<string, string[]>()
  for (const top of NO_FILE_CIRCLES) {
    const dir = join(root, top)
    if (!existsSync(dir)) continue
    for (const path of sourceFiles(dir)) {
      const file = relative(root, path).split(sep).join("/")
      const targets = specifiersOf(path)
        .filter(specifier => specifier.startsWith("."))
        .map(specifier => sourceFileOf(root, resolve(dirname(path), specifier)))
        .filter((target): target is string => target !== undefined && target !== file)
      edges.set(file, targets)
    }
  }
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const circles: string[][] = []
  const visit = (file: string): void => {
    index.set(file, index.size)
    low.set(file, index.get(file)!)
    stack.push(file)
    for (const next of edges.get(file) ?? []) {
      if (!edges.has(next)) continue
      if (!index.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file)!, low.get(next)!))
      } else if (stack.includes(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const part: string[] = []
    let top: string
    do {
      top = stack.pop()!
      part.push(top)
    } while (top !== file)
    if (part.length > 1) circles.push(part.sort())
  }
  for (const file of [...edges.keys()].sort()) if (!index.has(file)) visit(file)
  return circles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
}

/** The source file an import names (TypeScript's resolution of a relative path, as far as this tree uses it). */
function sourceFileOf(root: string, target: string): string | undefined {
  for (const candidate of [target, `${target}.ts`, join(target, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate).split(sep).join("/")
  }
  return undefined
}

function describeAllowed(folder: string): string {
  const allowed = ALLOWED[folder]!
  return allowed.length === 0 ? "only itself" : `only itself and ${allowed.map(name => `${name}/`).join(", ")}`
}

/** Each circle of the folder graph once, starting from its first folder in sorted order. */
function cycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const found = new Map<string, string[]>()
  const walk = (path: string[]): void => {
    for (const next of edges.get(path.at(-1)!) ?? []) {
      const at = path.indexOf(next)
      if (at >= 0) {
        const loop = path.slice(at)
        const start = loop.indexOf([...loop].sort()[0]!)
        const ordered = [...loop.slice(start), ...loop.slice(0, start)]
        found.set(ordered.join(" "), [...ordered, ordered[0]!])
      } else {
        walk([...path, next])
      }
    }
  }
  for (const folder of [...edges.keys()].sort()) walk([folder])
  return [...found.keys()].sort().map(key => found.get(key)!)
}

/** The module specifiers a file imports or re-exports, statically or dynamically, as TypeScript reads them. */
function specifiersOf(path: string): string[] {
  const text = readFileSync(path, "utf8")
  const code = path.endsWith(".svelte") ? [...text.matchAll(SCRIPT)].map(match => match[1]).join("\n") : text
  return ts.preProcessFile(code, true, true).importedFiles.map(reference => reference.fileName)
}

function topFolder(path: string): string | undefined {
  if (path.startsWith("..")) return undefined
  return path.split(/[\\/]/)[0]
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|svelte)$/.test(name) ? [path] : []
  })
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, ".."))
  const problems = checkBoundaries(root)
  for (const problem of problems) console.error(`✗ ${problem}`)
  if (problems.length > 0) process.exit(1)
  console.log(`import boundaries hold (${Object.keys(ALLOWED).join(", ")})`)
}
