/**
 * The content-script entry as the page gets it, beside the real content
 * relay: the hook pairs over the private channel when it loads, defines its
 * global once, and talks to a real Repo's panel through the relay. The
 * "window" is a stand-in with Node's MessageChannel underneath (jsdom has
 * no MessagePort).
 */
import { Repo } from "@loro-extended/repo"
import { afterAll, describe, expect, it, vi } from "vitest"
import { createRelay, type Relay } from "../../extension/relay/relay"
import { parseBatchMessages } from "../../protocol/validate"
import { HOOK_GLOBAL } from "../../protocol/messages"
import type { EphemeraHook } from "../../injected/hook/types"
import { FakePortPair } from "../support/fake-port"
import { FakeWindow } from "../support/fake-window"

const page = new FakeWindow()
const scope = globalThis as unknown as Record<string, unknown>
scope.window = page
scope.location = { href: "http://127.0.0.1/app" }

const repos: Repo[] = []
let relay: Relay | undefined
const background = new FakePortPair()

/** Every hook message the relay forwarded to the background so far. */
function forwarded() {
  return background.toRemote.flatMap(sent => {
    const { type, batchJson } = sent as { type: string; batchJson?: string }
    const parsed = type === "content/page-batch" ? parseBatchMessages(batchJson!) : []
    return typeof parsed === "string" ? [] : parsed
  })
}
afterAll(() => {
  for (const repo of repos) repo.synchronizer.stopHeartbeat()
  relay?.stop()
  delete scope.window
  delete scope.location
})

describe("hook.iife.ts", () => {
  it("defines a readable, non-enumerable, frozen global hook once, with no way to hear the panel", async () => {
    await import("../../injected/hook.iife")
    const hook = scope[HOOK_GLOBAL] as EphemeraHook
    expect(Object.keys(globalThis)).not.toContain(HOOK_GLOBAL)
    expect(hook.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(hook.listening).toBe(false)
    expect(typeof hook.register).toBe("function")
    expect(typeof hook.emit).toBe("function")
    expect("onCommand" in hook).toBe(false)
    expect(Object.isFrozen(hook)).toBe(true)

    vi.resetModules()
    await import("../../injected/hook.iife")
    expect(scope[HOOK_GLOBAL]).toBe(hook)
  })

  it("pairs with the relay that loads after it, and talks to the panel through it", async () => {
    const hook = scope[HOOK_GLOBAL] as EphemeraHook
    relay = createRelay({ window: page as unknown as Window, connect: () => background.port, url: () => "http://127.0.0.1/app" })
    expect(relay.paired).toBe(true)
    const repo = new Repo({ identity: { name: "page-app" } })
    repos.push(repo)
    hook.register(repo, { label: "page-app" })

    background.deliver({ type: "background/panel-listening", listening: true })
    background.deliver({ type: "background/to-page", message: { type: "panel/subscribe" } })
    await vi.waitFor(() => expect(hook.listening).toBe(true))
    await vi.waitFor(() => expect(forwarded().map(m => m.type)).toEqual(["hook/hello", "repo/registered"]))
    expect(forwarded()[0]).toMatchObject({ url: "http://127.0.0.1/app" })
    expect(forwarded()[1]).toMatchObject({ repo: { label: "page-app", libraryVersion: "5.x" } })
    // Nothing travels on the window.
    expect(page.posted).toEqual([])
  })

  it("lets the page emit data about its repos, and nothing that only the hook may say", async () => {
    const hook = scope[HOOK_GLOBAL] as EphemeraHook
    hook.emit({ type: "simulate/state", repoId: "r", peers: [] } as never)
    hook.emit({ type: "hook/hello", protocol: 4, hookVersion: "9.9.9", url: "http://evil/", instance: "forged" })
    hook.emit({ type: "repo/unregistered", repoId: "page-own", reason: "the page said so" })
    hook.flush()
    await vi.waitFor(() =>
      expect(forwarded().at(-1)).toEqual({ type: "repo/unregistered", repoId: "page-own", reason: "the page said so" }),
    )
    // (A heartbeat may have gone out in between: the hook's own, once a second.)
    expect(
      forwarded()
        .map(m => m.type)
        .filter(type => type !== "hook/heartbeat"),
    ).toEqual(["hook/hello", "repo/registered", "repo/unregistered"])
  })
})

describe("page-leave.ts", () => {
  it("tells the hook on beforeunload, while the page's sockets are still open, and again on pagehide", async () => {
    const { onPageLeave } = await import("../../injected/hook/page-leave")
    const target = new EventTarget()
    const seen: string[] = []
    onPageLeave(target, () => seen.push("leave"))
    target.dispatchEvent(new Event("beforeunload"))
    expect(seen).toEqual(["leave"])
    target.dispatchEvent(new Event("pagehide"))
    expect(seen).toEqual(["leave", "leave"])
  })
})
