import { describe, expect, it } from "vitest"
import { setLogPaused } from "../../devtools-panel/state/event-log"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { T0, batch, events, hello, pageStatus, registered, repoInfo } from "../component/fixtures/messages"

const emitter = (id: number) => ({ kind: "emitter" as const, id, repoId: "r1", t: T0 + id, name: "ready-state-changed", data: null })

describe("log settings through the panel store", () => {
  it("applies a panel-side change after everything received so far, and keeps it for what follows", () => {
    const transport = new MemoryTransport()
    const frames: Array<() => void> = []
    const store = new PanelStore(transport, { schedule: flush => frames.push(flush), now: () => T0 })
    transport.deliver(pageStatus(true), batch(1, hello(), registered(repoInfo()), events("r1", emitter(1))))
    // Pausing is ordered after the pending batch: its event is recorded, the next one is not.
    store.change(state => ({ ...state, log: setLogPaused(state.log, true) }))
    expect(store.state.log).toMatchObject({ size: 1, paused: true })
    transport.deliver(batch(2, events("r1", emitter(2))))
    frames.at(-1)!()
    expect(store.state.log).toMatchObject({ size: 1, notRecorded: 1, paused: true })
    store.dispose()
  })
})
