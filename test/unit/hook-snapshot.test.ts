/**
 * panel/snapshot: a panel comparing tabs reads another tab's stores without
 * subscribing its hook. The answer carries every repo with its stores as they
 * are now, and asking does not make the hook stream.
 */
import { Repo, Shape } from "@loro-extended/repo"
import { afterEach, describe, expect, it } from "vitest"
import { PROTOCOL_VERSION, type HookToPanelMessage } from "../../protocol/messages"
import { memoryTransport, type MemoryTransport } from "../../injected/bridge/memory-transport"
import { createHook, type HookHandle } from "../../injected/hook/create-hook"

const DocShape = Shape.doc({ title: Shape.text() })
const Cursor = Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() })

type Snapshot = Extract<HookToPanelMessage, { type: "hook/snapshot" }>

describe("the hook's snapshot for a panel comparing tabs", () => {
  const cleanup: Array<() => void> = []
  afterEach(() => {
    for (const step of cleanup.splice(0)) step()
  })

  function page(): { transport: MemoryTransport; handle: HookHandle; relay: (message: unknown) => void } {
    const transport = memoryTransport()
    const handle = createHook({ transport, url: () => "http://app.test/room", root: {} })
    // What the relay sends over the private channel, as it is.
    const relay = (message: unknown) => transport.deliver(message)
    cleanup.push(() => handle.dispose())
    return { transport, handle, relay }
  }

  function repo(name: string): Repo {
    const created = new Repo({ identity: { name } })
    cleanup.push(() => created.synchronizer.stopHeartbeat())
    return created
  }

  function snapshots(transport: MemoryTransport): Snapshot[] {
    return transport.messages().filter((message): message is Snapshot => message.type === "hook/snapshot")
  }

  it("answers with every repo's stores now, and streams nothing after", () => {
    const { transport, handle, relay } = page()
    const alice = repo("alice")
    handle.hook.register(alice, { label: "alice" })
    const room = alice.get("room:lobby", DocShape, { cursor: Cursor })
    room.cursor.setSelf({ x: 1, y: 2 })

    relay({ type: "panel/snapshot", requestId: "s1" })
    handle.hook.flush()
    const [answer] = snapshots(transport)
    expect(answer).toMatchObject({ requestId: "s1", protocol: PROTOCOL_VERSION, url: "http://app.test/room" })
    expect(typeof answer!.instance).toBe("string")
    expect(answer!.repos.map(r => r.repo.label)).toEqual(["alice"])
    const cursor = answer!.repos[0]!.stores.find(s => s.docId === "room:lobby" && s.namespace === "cursor")!
    expect(cursor.entries).toEqual([expect.objectContaining({ key: alice.identity.peerId, value: { x: 1, y: 2 }, deleted: false })])

    // Not subscribed: a change after the answer is not streamed, the next answer has it.
    const posted = transport.posted.length
    room.cursor.setSelf({ x: 3, y: 4 })
    handle.hook.flush()
    expect(handle.hook.listening).toBe(false)
    expect(transport.posted.length).toBe(posted)
    relay({ type: "panel/snapshot", requestId: "s2" })
    handle.hook.flush()
    const second = snapshots(transport).find(s => s.requestId === "s2")!
    const after = second.repos[0]!.stores.find(s => s.namespace === "cursor")!.entries[0]!
    expect(after.value).toEqual({ x: 3, y: 4 })
    expect(after.timestamp).toBeGreaterThanOrEqual(cursor.entries[0]!.timestamp!)
    expect(second.instance).toBe(answer!.instance)
  })

  it("lists no repo once the page unregistered it", () => {
    const { transport, handle, relay } = page()
    const unregister = handle.hook.register(repo("bob"), { label: "bob" })
    unregister()
    relay({ type: "panel/snapshot", requestId: "s1" })
    handle.hook.flush()
    expect(snapshots(transport)[0]!.repos).toEqual([])
  })

  it("ignores a snapshot request without a request id", () => {
    const { transport, handle, relay } = page()
    relay({ type: "panel/snapshot" })
    handle.hook.flush()
    expect(snapshots(transport)).toEqual([])
  })
})
