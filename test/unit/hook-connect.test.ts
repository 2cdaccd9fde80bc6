/**
 * connect(): the app-side export. A no-op without the extension, a guarded
 * call into the global hook with it.
 */
import { Repo } from "@loro-extended/repo"
import { afterEach, describe, expect, it, vi } from "vitest"
import { HOOK_GLOBAL } from "../../protocol/messages"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { connect } from "../../injected/connect"
import { createHook } from "../../injected/hook/create-hook"

const scope = globalThis as unknown as Record<string, unknown>
const cleanups: Array<() => void> = []
afterEach(() => {
  delete scope[HOOK_GLOBAL]
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function aRepo(): Repo {
  const repo = new Repo({ identity: { name: "app" } })
  cleanups.push(() => repo.synchronizer.stopHeartbeat())
  return repo
}

describe("connect", () => {
  it("does nothing and returns a function when no hook is installed", () => {
    const disconnect = connect(aRepo(), { label: "x" })
    expect(disconnect).toBeTypeOf("function")
    expect(() => disconnect()).not.toThrow()
  })

  it("registers with the installed hook and unregisters", () => {
    const { hook, dispose } = createHook({ transport: memoryTransport(), url: () => "", root: {} })
    cleanups.push(dispose)
    scope[HOOK_GLOBAL] = hook
    const repo = aRepo()
    const disconnect = connect(repo, { label: "editor", libraryVersion: "5.4.2" })
    expect(hook.repos()).toMatchObject([{ label: "editor", libraryVersion: "5.4.2", origin: "register" }])
    disconnect()
    expect(hook.repos()).toEqual([])
  })

  it("never throws, whatever the global holds", () => {
    const repo = aRepo()
    scope[HOOK_GLOBAL] = {
      register: () => {
        throw new Error("broken hook")
      },
    }
    expect(connect(repo)).toBeTypeOf("function")
    scope[HOOK_GLOBAL] = { register: () => "not a function" }
    expect(connect(repo)).toBeTypeOf("function")
    const unregister = vi.fn(() => {
      throw new Error("broken unregister")
    })
    scope[HOOK_GLOBAL] = { register: () => unregister }
    expect(() => connect(repo)()).not.toThrow()
    expect(unregister).toHaveBeenCalled()
    scope[HOOK_GLOBAL] = "a string"
    expect(connect(repo)).toBeTypeOf("function")
  })

  it("returns a no-op for something that is not a repo", () => {
    const { hook, dispose } = createHook({ transport: memoryTransport(), url: () => "", root: {} })
    cleanups.push(dispose)
    scope[HOOK_GLOBAL] = hook
    expect(() => connect({ not: "a repo" })()).not.toThrow()
    expect(() => hook.register(null)()).not.toThrow()
    expect(hook.repos()).toEqual([])
  })
})
