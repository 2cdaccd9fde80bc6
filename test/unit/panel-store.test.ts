import { describe, expect, it, vi } from "vitest"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { T0, batch, entry, events, hello, pageStatus, registered, repoInfo, storeEvent } from "../component/fixtures/messages"

describe("panel store", () => {
  it("applies a burst of messages once, on the next scheduled frame", () => {
    const transport = new MemoryTransport()
    const frames: Array<() => void> = []
    const store = new PanelStore(transport, { schedule: flush => frames.push(flush), now: () => T0 })
    transport.deliver(pageStatus(true), batch(1, hello(), registered(repoInfo())))
    for (let seq = 2; seq < 500; seq++) {
      transport.deliver(
        batch(seq, events("r1", storeEvent("r1", "room", "presence", "import", [entry("200", { x: seq }, T0 + seq)], T0 + seq))),
      )
    }
    expect(frames).toHaveLength(1)
    expect(store.state.repos.size).toBe(0)
    const before = store.state
    frames[0]!()
    expect(store.state).not.toBe(before)
    expect(store.state.repos.get("r1")!.rooms.get("room")!.namespaces.get("presence")!.get("200")).toMatchObject({
      value: { x: 499 },
      changes: 498,
    })
    expect(store.state.lostBatches).toBe(0)

    transport.deliver(batch(500))
    expect(frames).toHaveLength(2)
    store.dispose()
  })

  it("follows the link status and sends page messages through the transport", () => {
    const transport = new MemoryTransport("connecting")
    const store = new PanelStore(transport, { schedule: () => {} })
    expect(store.link).toBe("connecting")
    transport.setStatus("connected")
    expect(store.link).toBe("connected")
    store.toPage({ type: "discovery/scan" })
    expect(transport.sent).toEqual([{ type: "panel/to-page", message: { type: "discovery/scan" } }])
    store.dispose()
  })

  it("applies on a timer when no animation frame comes (hidden panel)", () => {
    vi.useFakeTimers()
    try {
      const transport = new MemoryTransport()
      const store = new PanelStore(transport)
      transport.deliver(pageStatus(true))
      expect(store.state.page.connected).toBe(false)
      vi.advanceTimersByTime(250)
      expect(store.state.page.connected).toBe(true)
      store.dispose()
    } finally {
      vi.useRealTimers()
    }
  })
})
