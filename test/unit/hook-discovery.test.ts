/**
 * discovery/scan and attach/path against real repos on a window stand-in.
 */
import { Repo } from "@loro-extended/repo"
import { afterEach, describe, expect, it } from "vitest"
import type { HookToPanelMessage, PanelToHookMessage } from "../../protocol/messages"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { discoverRepos, resolveRepoPath } from "../../injected/discovery"
import { createHook } from "../../injected/hook/create-hook"

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function repo(name: string): Repo {
  const created = new Repo({ identity: { name } })
  cleanups.push(() => created.synchronizer.stopHeartbeat())
  return created
}

function page() {
  const getterReads = { count: 0 }
  const root = {
    repo: repo("top"),
    app: { repo: repo("nested"), deeper: { repo: repo("too-deep") } },
    other: { store: { repo: repo("attach-only") } },
    get trap(): unknown {
      getterReads.count++
      throw new Error("a page getter")
    },
    notARepo: { synchronizer: {} },
    instance: new (class Holder {
      repo = repo("in-instance")
    })(),
  }
  return { root, getterReads }
}

function hookOn(root: object) {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root })
  cleanups.push(dispose)
  const relay = (message: PanelToHookMessage) => transport.deliver(message)
  const messages = (): HookToPanelMessage[] => {
    hook.flush()
    return transport.messages()
  }
  return { hook, relay, messages }
}

describe("discovery", () => {
  it("finds repos on window and one level into plain objects, without running page getters", () => {
    const { root, getterReads } = page()
    expect(discoverRepos(root).map(found => found.path)).toEqual(["window.repo", "window.app.repo"])
    expect(getterReads.count).toBe(0)
  })

  it("registers what it finds once, as discovered, labelled by path", () => {
    const { root } = page()
    const { hook, relay, messages } = hookOn(root)
    relay({ type: "panel/subscribe" })
    relay({ type: "discovery/scan" })
    relay({ type: "discovery/scan" })
    const registered = messages().filter(m => m.type === "repo/registered")
    expect(registered.map(m => m.type === "repo/registered" && [m.repo.label, m.repo.origin, m.repo.name])).toEqual([
      ["window.repo", "discovered", "top"],
      ["window.app.repo", "discovered", "nested"],
    ])
    expect(hook.repos()).toHaveLength(2)
  })

  it("does not register again what the app registered itself", () => {
    const { root } = page()
    const { hook, relay } = hookOn(root)
    hook.register(root.repo, { label: "mine" })
    relay({ type: "discovery/scan" })
    expect(hook.repos().map(r => [r.label, r.origin])).toEqual([
      ["mine", "register"],
      ["window.app.repo", "discovered"],
    ])
  })
})

describe("attach/path", () => {
  it("resolves dotted paths, with or without window., and registers as expression", () => {
    const { root } = page()
    const { hook, relay, messages } = hookOn(root)
    relay({ type: "attach/path", requestId: "r1", path: "other.store.repo" })
    relay({ type: "attach/path", requestId: "r2", path: "window.other.store.repo" })
    const results = messages().filter(m => m.type === "attach/result")
    const repoId = hook.repos()[0]!.repoId
    // Answered even though no panel subscribed; the second attach finds the same registration.
    expect(results).toEqual([
      { type: "attach/result", requestId: "r1", ok: true, repoId },
      { type: "attach/result", requestId: "r2", ok: true, repoId },
    ])
    expect(hook.repos()).toMatchObject([{ label: "window.other.store.repo", origin: "expression", name: "attach-only" }])
  })

  it("says clearly why a path is not a repo", () => {
    const { root } = page()
    expect(resolveRepoPath(root, "foo")).toEqual({ ok: false, error: "window.foo is undefined" })
    expect(resolveRepoPath(root, "app.missing.repo")).toEqual({ ok: false, error: "window.app.missing is undefined" })
    expect(resolveRepoPath(root, "app")).toEqual({ ok: false, error: "window.app is not a Repo (no synchronizer)" })
    expect(resolveRepoPath(root, "notARepo")).toEqual({ ok: false, error: "window.notARepo is not a Repo (synchronizer has no updateFn)" })
    expect(resolveRepoPath(root, "trap.x")).toEqual({ ok: false, error: "reading window.trap threw: a page getter" })
    expect(resolveRepoPath(root, "app..repo")).toMatchObject({ ok: false, error: expect.stringContaining("not a dotted path") })
    expect(resolveRepoPath(root, "  ")).toMatchObject({ ok: false })
    expect(resolveRepoPath(root, "instance.repo")).toMatchObject({ ok: true, label: "window.instance.repo" })
  })

  it("answers a failed attach with the error", () => {
    const { root } = page()
    const { hook, relay, messages } = hookOn(root)
    relay({ type: "attach/path", requestId: "r3", path: "demo.nothing.here" })
    expect(messages()).toEqual([{ type: "attach/result", requestId: "r3", ok: false, error: "window.demo is undefined" }])
    expect(hook.repos()).toEqual([])
  })
})
