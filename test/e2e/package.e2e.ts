/**
 * The npm package as an app gets it: packed, installed from the tarball
 * into a scratch project, each entry imported under plain Node and through
 * a Vite build, and the command started from node_modules/.bin.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { build } from "vite"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { packList, scratchProject, type ScratchProject } from "./support/scratch-project"
import { waitFor } from "./support/wait"

describe("the npm package", () => {
  let app: ScratchProject
  beforeAll(() => {
    app = scratchProject()
  })
  afterAll(() => app?.remove())

  it("packs only what an app needs", () => {
    const files = packList().map(file => file.path)
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "LICENSE",
        "connect.js",
        "connect.d.ts",
        "node.js",
        "node.d.ts",
        "server/cli.js",
        "server/panel/index.html",
      ]),
    )
    const unexpected = files.filter(
      path =>
        !/^(package\.json|README\.md|LICENSE|THIRD_PARTY_LICENSES\.md|[\w-]+\.(js|d\.ts)|server\/cli\.js|server\/panel\/.+)$/.test(path),
    )
    expect(unexpected).toEqual([])
    expect(files.filter(path => /(^|\/)(test|demo|src)\/|\.test\.|(?<!\.d)\.ts$|\.wasm$/.test(path))).toEqual([])
    const manifest = JSON.parse(readFileSync(join(app.dir, "node_modules/ephemera-devtools/package.json"), "utf8"))
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(Object.keys(manifest.peerDependencies)).toEqual(["@loro-extended/repo", "loro-crdt"])
    expect(manifest.private).toBeUndefined()
  })

  it("imports ./connect under plain Node: a no-op without the extension, registering with its hook", () => {
    const out = app.node(`
      import { connect } from "ephemera-devtools/connect"
      const without = connect({})
      const seen = []
      globalThis.__EPHEMERA_DEVTOOLS_HOOK__ = { register: (repo, options) => (seen.push(options.label), () => seen.push("gone")) }
      const disconnect = connect({}, { label: "app" })
      disconnect()
      console.log(JSON.stringify({ without: typeof without, seen }))
    `)
    expect(JSON.parse(out)).toEqual({ without: "function", seen: ["app", "gone"] })
  })

  it("imports ./node under plain Node and streams a real repo to the packed command's server", async () => {
    const token = "package-test-token-0123456789"
    const server = await startPackedServer(app, token)
    try {
      const panel = new WebSocket(`ws://127.0.0.1:${server.port}/panel?token=${token}`, { origin: `http://127.0.0.1:${server.port}` })
      const frames: string[] = []
      panel.on("message", data => frames.push(data.toString()))
      await new Promise((resolve, reject) => panel.once("open", resolve).once("error", reject))
      const page = await fetch(`http://127.0.0.1:${server.port}/`)
      expect(await page.text()).toContain('<div id="app">')
      // The app's own loro-crdt, served for the panel's frame check.
      expect((await fetch(`http://127.0.0.1:${server.port}/vendor/loro-crdt/web/index.js`)).status).toBe(200)

      const worker = spawn(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import { Repo } from "@loro-extended/repo"
           import { connect } from "ephemera-devtools/node"
           const repo = new Repo({ identity: { name: "worker", type: "service" }, adapters: [] })
           connect(repo, { label: "packed-worker", processLabel: "scratch worker" })
           setInterval(() => {}, 1000)`,
        ],
        { cwd: app.dir, env: { ...process.env, EPHEMERA_STANDALONE: `ws://127.0.0.1:${server.port}#${token}` }, stdio: "ignore" },
      )
      try {
        const source = await waitFor(
          () => frames.map(text => JSON.parse(text)).find(frame => frame.type === "server/source" && frame.source.connected),
          "the worker to connect",
        )
        expect(source.source.label).toBe("scratch worker")
        panel.send(JSON.stringify({ type: "panel/to-source", source: source.source.source, message: { type: "panel/subscribe" } }))
        const registered = await waitFor(
          () =>
            frames
              .map(text => JSON.parse(text))
              .filter(frame => frame.type === "server/batch")
              .flatMap(frame => JSON.parse(frame.batchJson).messages)
              .find(message => message.type === "repo/registered"),
          "the worker's repo",
        )
        expect(registered.repo.label).toBe("packed-worker")
        expect(registered.snapshot.identity.name).toBe("worker")
      } finally {
        worker.kill()
        panel.close()
      }
    } finally {
      server.process.kill()
    }
  })

  it("bundles ./connect into a browser app and ./node into a server app with Vite", async () => {
    writeFileSync(
      join(app.dir, "browser-main.js"),
      `import { connect } from "ephemera-devtools/connect"\nwindow.disconnect = connect(window.repo, { label: "app" })\n`,
    )
    writeFileSync(
      join(app.dir, "server-main.js"),
      `import { connect } from "ephemera-devtools/node"\nconsole.log(typeof connect(undefined, { server: "ws://127.0.0.1:1#t" }))\n`,
    )
    const quiet = { configFile: false as const, root: app.dir, logLevel: "silent" as const }
    await build({ ...quiet, build: { outDir: "out-browser", lib: { entry: "browser-main.js", formats: ["es"], fileName: "app" } } })
    const browserBundle = readFileSync(join(app.dir, "out-browser/app.js"), "utf8")
    expect(browserBundle).toContain("__EPHEMERA_DEVTOOLS_HOOK__")
    // Nothing but the lookup: no socket, no Node module, no hook.
    expect(browserBundle).not.toMatch(/WebSocket|node:|createHook/)
    expect(browserBundle.length).toBeLessThan(2_000)

    await build({
      ...quiet,
      build: { outDir: "out-server", ssr: "server-main.js", rollupOptions: { output: { entryFileNames: "server.js" } } },
    })
    expect(app.node(`await import("./out-server/server.js")`).trim()).toBe("function")
  })
})

async function startPackedServer(app: ScratchProject, token: string): Promise<{ process: ChildProcess; port: number }> {
  const child = spawn(join(app.dir, "node_modules/.bin/ephemera-devtools"), ["--port", "0", "--token", token], { cwd: app.dir })
  let out = ""
  child.stdout!.on("data", chunk => (out += chunk))
  child.stderr!.on("data", chunk => (out += chunk))
  const port = await waitFor(
    () => Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1]),
    `the packed command to print its address (${out})`,
  )
  // Its next line may come in a later chunk than the address.
  const address = await waitFor(() => /EPHEMERA_STANDALONE=(\S+)/.exec(out)?.[1], `the packed command to print how to connect (${out})`)
  expect(address).toBe(`ws://127.0.0.1:${port}#${token}`)
  return { process: child, port }
}
