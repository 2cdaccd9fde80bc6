/**
 * A page whose hook answers another panel's snapshot requests (a room
 * across tabs) while this panel records it: the answers stay out of the
 * recording, and an older file that has one is redacted like a registration.
 */
import { describe, expect, it } from "vitest"
import type { BackgroundToPanelMessage, HookToPanelMessage } from "../../protocol/messages"
import { redactRecording } from "../../devtools-panel/recording/redact"
import { RepoFilter } from "../../devtools-panel/recording/repo-filter"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { T0, batch, entry, hello, registered, repoInfo, store, tabSnapshot } from "../component/fixtures/messages"
import { runSession } from "./recording-fixtures"

const answer = tabSnapshot(
  [
    registered(repoInfo({ label: "alice", name: "alice" }), {
      stores: [store("room:lobby", "presence", [entry("100", { name: "alice" }, T0)])],
    }),
  ],
  { url: "http://app.test/room?secret=1" },
)

type PageBatch = Extract<BackgroundToPanelMessage, { type: "background/page-batch" }>

function pageBatch(seq: number, ...messages: HookToPanelMessage[]): PageBatch {
  return batch(seq, ...messages) as PageBatch
}

describe("recordings and a room across tabs", () => {
  it("leave out the page's answers to another panel's snapshot requests, keeping the batch's seq", () => {
    for (const filter of [new RepoFilter(undefined), new RepoFilter(["alice"])]) {
      const kept = filter.filter(batch(7, hello(), answer))
      expect(kept).toEqual(batch(7, hello()))
    }
  })

  it("keep the relay's count of batches it skipped when they leave parts out", () => {
    // The reducer reads `skipped` to tell batches the relay skipped on
    // purpose from batches lost: a filtered copy without it reads as loss.
    for (const filter of [new RepoFilter(undefined), new RepoFilter(["alice"])]) {
      const kept = filter.filter({ ...pageBatch(9, hello(), answer), skipped: 3 })
      expect(kept).toEqual({ ...pageBatch(9, hello()), skipped: 3 })
    }
  })

  it("hold only the inspected tab: other tabs' lists and batches never reach its state or its recorder", () => {
    const transport = new MemoryTransport()
    const store = new PanelStore(transport, { schedule: () => {}, now: () => T0 })
    const seen: string[] = []
    store.observe(message => seen.push(message.type))
    const other: BackgroundToPanelMessage = {
      type: "background/tab-batch",
      tabId: 9,
      message: batch(0, hello(), registered(repoInfo({ label: "elsewhere" }))) as never,
    }
    transport.deliver({ type: "background/origin-tabs", tabs: [{ tabId: 9 }] }, other, batch(0, hello()))
    store.flush()
    expect(seen).toEqual(["background/page-batch"])
    expect(store.state.repos.size).toBe(0)
    store.dispose()
  })

  it("redact an answer found in an older file like the registrations it holds", () => {
    const { recording } = runSession()
    const withAnswer = {
      ...recording,
      lines: [...recording.lines, { kind: "message" as const, t: T0 + 99_000, message: batch(99, answer) }],
    }
    const redacted = redactRecording(withAnswer).lines.at(-1)!
    const text = JSON.stringify(redacted)
    expect(text).not.toContain("alice")
    expect(text).not.toContain("secret")
    expect(text).toContain("http://app.test/room")
  })

  it("redact other tabs' lists and batches found in a file like the inspected tab's", () => {
    const { recording } = runSession()
    const otherTabs: BackgroundToPanelMessage[] = [
      { type: "background/origin-tabs", tabs: [{ tabId: 9, url: "http://app.test/room?secret=1" }, { tabId: 10 }] },
      { type: "background/tab-batch", tabId: 9, message: batch(3, answer) as never },
      { type: "background/tab-batch", tabId: 9, message: { type: "panel/unreadable", reason: "bad-shape", count: 1 } },
    ]
    const withOthers = {
      ...recording,
      lines: [...recording.lines, ...otherTabs.map((message, i) => ({ kind: "message" as const, t: T0 + 99_000 + i, message }))],
    }
    const redacted = redactRecording(withOthers).lines.slice(-otherTabs.length)
    const text = JSON.stringify(redacted)
    expect(text).not.toContain("alice")
    expect(text).not.toContain("secret")
    expect(text).toContain("http://app.test/room")
    expect(redacted.map(line => (line.kind === "message" ? line.message.type : line.kind))).toEqual([
      "background/origin-tabs",
      "background/tab-batch",
      "background/tab-batch",
    ])
    expect(redacted.at(-1)).toMatchObject({ message: otherTabs.at(-1) })
  })
})
