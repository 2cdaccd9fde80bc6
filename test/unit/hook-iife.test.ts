// @vitest-environment jsdom
/**
 * The content-script entry as the page gets it: a real (jsdom) window, the
 * real window transport, a real Repo.
 */
import { Repo } from "@loro-extended/repo"
import { afterAll, describe, expect, it, vi } from "vitest"
import { HOOK_GLOBAL, PAGE_SOURCE, PROTOCOL_VERSION, RELAY_SOURCE, type PageWindowEnvelope } from "../../protocol/messages"
import type { EphemeraHook } from "../../injected/hook/types"

const repos: Repo[] = []
afterAll(() => {
  for (const repo of repos) repo.synchronizer.stopHeartbeat()
})

/** What the relay posts; jsdom's postMessage leaves `source` null, so the event is built as a browser would. */
function fromRelay(message: unknown): void {
  window.dispatchEvent(
    new MessageEvent("message", { data: { source: RELAY_SOURCE, protocol: PROTOCOL_VERSION, nonce: "n", message }, source: window }),
  )
}

describe("hook.iife.ts", () => {
  it("defines a readable, non-enumerable global hook once", async () => {
    await import("../../injected/hook.iife")
    const hook = (globalThis as unknown as Record<string, EphemeraHook>)[HOOK_GLOBAL]!
    expect(Object.keys(window)).not.toContain(HOOK_GLOBAL)
    expect(hook.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(hook.listening).toBe(false)
    expect(typeof hook.register).toBe("function")
    expect(typeof hook.emit).toBe("function")
    expect(typeof hook.onCommand).toBe("function")
    expect(Object.isFrozen(hook)).toBe(true)

    vi.resetModules()
    await import("../../injected/hook.iife")
    expect((globalThis as unknown as Record<string, unknown>)[HOOK_GLOBAL]).toBe(hook)
  })

  it("talks to the relay over window messages", async () => {
    const hook = (globalThis as unknown as Record<string, EphemeraHook>)[HOOK_GLOBAL]!
    const batches: PageWindowEnvelope[] = []
    window.addEventListener("message", event => {
      if ((event.data as { source?: unknown })?.source === PAGE_SOURCE) batches.push(event.data as PageWindowEnvelope)
    })
    const repo = new Repo({ identity: { name: "page-app" } })
    repos.push(repo)
    hook.register(repo, { label: "page-app" })

    fromRelay({ type: "relay/hello" })
    fromRelay({ type: "panel/subscribe" })
    expect(hook.listening).toBe(true)
    await vi.waitFor(() => expect(batches.length).toBeGreaterThan(0))
    const messages = batches.flatMap(envelope => JSON.parse(envelope.batchJson).messages)
    expect(messages.map(m => m.type)).toEqual(["hook/hello", "repo/registered"])
    expect(messages[0]).toMatchObject({ url: location.href })
    expect(messages[1]).toMatchObject({ repo: { label: "page-app", libraryVersion: "5.x" } })
  })
})
