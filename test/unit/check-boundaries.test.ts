/**
 * The import-boundary check `npm test` runs (scripts/check-boundaries.ts),
 * on made-up trees that break each rule, and on this repository.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { checkBoundaries } from "../../scripts/check-boundaries"

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

/** A tree with these files (path -> content). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "ephemera-boundaries-"))
  roots.push(root)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

/** Every folder importing what it may. */
const lawful = {
  "protocol/messages.ts": 'export type Message = { type: "x" }\n',
  "protocol/validate.ts": 'import type { Message } from "./messages"\nexport const ok = (m: Message) => m\n',
  "codec/wire.ts": 'import type { Message } from "../protocol/messages"\nexport const wire = (m: Message) => m\n',
  "injected/hook.ts": 'import { wire } from "../codec/wire"\nimport { Repo } from "@loro-extended/repo"\nexport { wire, Repo }\n',
  "extension/ports/port.ts": 'import { ok } from "../../protocol/validate"\nexport { ok }\n',
  "devtools-panel/App.svelte":
    '<script lang="ts">\n  import { wire } from "../codec/wire"\n  import { ok } from "../extension/ports/port"\n</script>\n<p>{wire}{ok}</p>\n',
  "devtools-panel/lazy.ts": 'export const load = () => import("loro-crdt")\n',
  // Comments and strings that look like imports are not imports.
  "codec/notes.ts": '// import { x } from "../injected/hook"\nexport const text = "from \'../devtools-panel/App.svelte\'"\n',
  // Outside the governed folders, anything goes.
  "test/unit/a.test.ts": 'import "../../injected/hook"\nimport "../../devtools-panel/App.svelte"\n',
}

describe("the import-boundary check", () => {
  it("passes a tree where every folder imports what it may", () => {
    expect(checkBoundaries(tree(lawful))).toEqual([])
  })

  it("fails when protocol/ imports another folder, even for a type, or a package", () => {
    const root = tree({
      ...lawful,
      "protocol/messages.ts":
        'import type { wire } from "../codec/wire"\nimport { z } from "zod"\nexport type W = typeof wire | typeof z\n',
    })
    expect(checkBoundaries(root)).toEqual([
      "protocol/messages.ts imports ../codec/wire (protocol/ may import only itself)",
      'protocol/messages.ts imports the package "zod" (protocol/ imports no package)',
      "the folders import one another in a circle: codec -> protocol -> codec",
      "these files import one another in a circle: codec/wire.ts, protocol/messages.ts",
    ])
  })

  it("fails when codec/ imports the hook, the panel or the extension", () => {
    const root = tree({
      ...lawful,
      "codec/wire.ts": 'export * from "../injected/hook"\nexport const panel = () => import("../devtools-panel/lazy")\n',
    })
    expect(checkBoundaries(root)).toEqual([
      "codec/wire.ts imports ../injected/hook (codec/ may import only itself and protocol/)",
      "codec/wire.ts imports ../devtools-panel/lazy (codec/ may import only itself and protocol/)",
      // Both import codec/ (the panel through its component).
      "the folders import one another in a circle: codec -> devtools-panel -> codec",
      "the folders import one another in a circle: codec -> injected -> codec",
    ])
  })

  it("fails when the panel imports the hook (a component's script included) and the hook the panel, naming the circle", () => {
    const root = tree({
      ...lawful,
      "devtools-panel/App.svelte": '<script lang="ts">\n  import { wire } from "../injected/hook"\n</script>\n<p>{wire}</p>\n',
      "injected/hook.ts": 'import type { load } from "../devtools-panel/lazy"\nexport type L = typeof load\n',
    })
    expect(checkBoundaries(root)).toEqual([
      "injected/hook.ts imports ../devtools-panel/lazy (injected/ may import only itself and codec/, protocol/)",
      "devtools-panel/App.svelte imports ../injected/hook (devtools-panel/ may import only itself and codec/, protocol/, extension/)",
      "the folders import one another in a circle: devtools-panel -> injected -> devtools-panel",
    ])
  })

  it("fails when files of protocol/ or codec/ import one another in a circle, type imports included", () => {
    const root = tree({
      ...lawful,
      "protocol/messages.ts": 'import type { Tab } from "./tabs"\nexport type Message = { type: "x"; tab?: Tab }\n',
      "protocol/tabs.ts": 'import type { Message } from "./messages.ts"\nexport type Tab = { last?: Message }\n',
      "codec/a.ts": 'import { b } from "./b"\nexport const a = () => b\n',
      "codec/b.ts": 'import { a } from "./a"\nexport const b = () => a\n',
      // A file that names itself (a recursive type's re-export) is no circle.
      "codec/self.ts": 'export type { Self } from "./self"\nexport type Self = Self[]\n',
    })
    expect(checkBoundaries(root)).toEqual([
      "these files import one another in a circle: codec/a.ts, codec/b.ts",
      "these files import one another in a circle: protocol/messages.ts, protocol/tabs.ts",
    ])
  })

  it("fails when the product imports the tests or the dev page", () => {
    const root = tree({ ...lawful, "extension/ports/port.ts": 'import "../../dev/main"\nimport "../../test/unit/a.test"\n' })
    expect(checkBoundaries(root)).toEqual([
      "extension/ports/port.ts imports ../../dev/main (extension/ may import only itself and codec/, protocol/)",
      "extension/ports/port.ts imports ../../test/unit/a.test (extension/ may import only itself and codec/, protocol/)",
    ])
  })

  it("passes this repository", () => {
    expect(checkBoundaries(resolve(import.meta.dirname, "../.."))).toEqual([])
  })
})
