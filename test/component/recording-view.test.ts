// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import App from "../../devtools-panel/App.svelte"
import { snapshotOf } from "../../devtools-panel/state/snapshot"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { RecordingSession } from "../../devtools-panel/views/recording/recording-session.svelte"
import { beforeRecording, duringRecording } from "../unit/recording-fixtures"
import {
  T0,
  batch,
  channelIn,
  entry,
  events,
  hello,
  pageStatus,
  peer,
  registered,
  repoInfo,
  store,
  storeEvent,
  syncMessage,
} from "./fixtures/messages"
import { ephemeralFrame } from "./fixtures/frames"

interface Mounted {
  transport: MemoryTransport
  store: PanelStore
  session: RecordingSession
  saved: Array<{ bytes: Uint8Array; fileName: string }>
  root: HTMLElement
  one(testId: string, extra?: string): HTMLElement
  all(testId: string, extra?: string): HTMLElement[]
  destroy(): void
}

function mountRecording(): Mounted {
  let now = T0
  const transport = new MemoryTransport()
  const store = new PanelStore(transport, { schedule: () => {}, now: () => now })
  const saved: Mounted["saved"] = []
  const session = new RecordingSession(store, {
    extensionVersion: "9.9.9",
    now: () => now,
    save: (bytes, fileName) => saved.push({ bytes, fileName }),
  })
  const root = document.createElement("div")
  document.body.append(root)
  const app = mount(App, { target: root, props: { store, recording: session } })
  flushSync()
  const all = (testId: string, extra = "") => [...root.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]${extra}`)]
  // Messages arrive at their recorded times: the store's clock follows them.
  const original = transport.deliver.bind(transport)
  transport.deliver = (...messages) => {
    original(...messages)
    store.flush()
    flushSync()
  }
  const tick = (t: number) => (now = t)
  Object.assign(transport, { tick })
  return {
    transport,
    store,
    session,
    saved,
    root,
    one(testId, extra = "") {
      const found = all(testId, extra)
      if (found.length !== 1) throw new Error(`expected one [data-testid="${testId}"]${extra}, found ${found.length}`)
      return found[0]!
    },
    all,
    destroy() {
      unmount(app)
      root.remove()
      session.dispose()
      store.dispose()
    },
  }
}

function deliverAt(panel: Mounted, list: Array<[number, Parameters<MemoryTransport["deliver"]>[0]]>): void {
  for (const [t, message] of list) {
    ;(panel.transport as unknown as { tick(t: number): void }).tick(t)
    panel.transport.deliver(message)
  }
}

async function until<T>(check: () => T): Promise<NonNullable<T>> {
  return vi.waitFor(
    () => {
      flushSync()
      const value = check()
      if (!value) throw new Error("not yet")
      return value as NonNullable<T>
    },
    { timeout: 10_000, interval: 10 },
  )
}

function key(target: EventTarget, name: string, init: KeyboardEventInit = {}): void {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true, cancelable: true, ...init }))
  flushSync()
}

// jsdom has no layout: the log's list measures its height with a ResizeObserver, which jsdom lacks.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver

describe("Record view", () => {
  let panel: Mounted
  beforeEach(() => {
    localStorage.clear()
    panel = mountRecording()
    deliverAt(panel, beforeRecording())
    panel.one("tab-record").click()
    flushSync()
  })
  afterEach(() => panel.destroy())

  async function recordSession(): Promise<void> {
    // The session reloads the page half-way: follow it.
    ;(panel.one("rec-across-reloads") as HTMLInputElement).click()
    panel.one("rec-start").click()
    flushSync()
    expect(panel.one("rec-status").dataset.state).toBe("recording")
    deliverAt(panel, duringRecording().slice(0, 3))
    panel.one("rec-mark").click()
    deliverAt(panel, duringRecording().slice(3))
    expect(panel.one("rec-status").textContent).toMatch(/14 events · 1 marks/)
    panel.one("rec-stop").click()
    await until(() => panel.all("timeline").length === 1)
  }

  it("records, stops into the timeline and shows the state at the cursor, step by step", async () => {
    await recordSession()
    expect(snapshotOf(panel.session.player!.state)).toEqual(snapshotOf(panel.store.state))
    const cursor = () => panel.one("timeline-cursor")
    expect(cursor().dataset.position).toBe(cursor().dataset.total)
    // The finding (computed after the recording opens): carol's values came after a frame on bob's
    // channel, which then closed; her presence stayed.
    await until(() => panel.session.player!.findingsReady)
    expect(panel.all("timeline-marker").map(marker => marker.dataset.kind)).toEqual(["join", "mark", "leave", "finding", "page", "repo"])
    expect(panel.one("timeline-marker", '[data-kind="finding"]').dataset.label).toMatch(/^carol has no live path since/)

    panel.one("rec-step-back").click()
    flushSync()
    expect(Number(cursor().dataset.position)).toBe(Number(cursor().dataset.total) - 1)
    key(document.body, "ArrowLeft")
    expect(Number(cursor().dataset.position)).toBe(Number(cursor().dataset.total) - 2)
    const nextMarker = Math.min(
      ...panel
        .all("timeline-marker")
        .map(m => Number(m.dataset.position))
        .filter(p => p > Number(cursor().dataset.total) - 2),
    )
    key(document.body, "ArrowRight", { shiftKey: true })
    expect(Number(cursor().dataset.position)).toBe(nextMarker)
    key(document.body, "End")
    expect(cursor().dataset.position).toBe(cursor().dataset.total)
    key(document.body, "Home")
    expect(cursor().dataset.position).toBe("0")
    expect(panel.one("rec-step").textContent).toBe("opening checkpoint")

    // The mark: the panes show the state of that moment (carol in, bob still there).
    panel.all("timeline-marker", '[data-kind="mark"]')[0]!.click()
    flushSync()
    const keys = () => panel.all("ephemeral-entry").map(el => `${el.dataset.namespace}/${el.dataset.key}`)
    expect(keys()).toEqual(["presence/100", "presence/200", "presence/300", "cursor/200", "cursor/300"])
    expect(cursor().dataset.eventId).toBeDefined()
    panel.one("rec-step-forward").click()
    flushSync()
    expect(panel.one("rec-step").textContent).toMatch(/^#\d+ store typing \(import\)$/)

    key(document.body, " ")
    expect(panel.one("rec-play").dataset.playing).toBe("true")
    key(document.body, " ")
    expect(panel.one("rec-play").dataset.playing).toBe("false")
  })

  it("computes the recording's findings, marks them on the timeline and seeks to them", async () => {
    panel.one("rec-start").click()
    flushSync()
    // Carol's own frame, relayed by bob; then bob's channel closes and carol's presence stays.
    const frame = ephemeralFrame({
      docId: "room:lobby",
      hopsRemaining: 0,
      owner: "300",
      namespace: "presence",
      entries: [{ key: "300", value: { name: "carol" }, timestamp: T0 + 100 }],
    })
    deliverAt(panel, [
      [
        T0 + 100,
        batch(
          4,
          events(
            "r1",
            channelIn("r1", 1, "200", frame, T0 + 100),
            storeEvent("r1", "room:lobby", "presence", "import", [entry("300", { name: "carol" }, T0 + 100)], T0 + 100),
          ),
        ),
      ],
      [
        T0 + 200,
        batch(
          5,
          events(
            "r1",
            syncMessage(
              "r1",
              "synchronizer/channel-removed",
              { peers: [peer("200", { name: "bob", channels: [], subscriptions: ["room:lobby"] })], channels: [] },
              T0 + 200,
            ),
          ),
        ),
      ],
    ])
    panel.one("rec-stop").click()
    await until(() => panel.all("timeline").length === 1 && panel.session.player!.findingsReady)
    const [marker] = panel.all("timeline-marker", '[data-kind="finding"]')
    expect(marker!.dataset).toMatchObject({ severity: "warning" })
    expect(marker!.dataset.label).toMatch(/^carol has no live path since /)
    panel.one("rec-pane-findings").click()
    flushSync()
    expect(panel.one("rec-pane-findings").textContent).toBe("Findings (1)")
    const [finding] = panel.all("rec-finding")
    expect(finding!.dataset.kind).toBe("no-live-path")
    key(document.body, "Home")
    finding!.click()
    flushSync()
    expect(panel.one("timeline-cursor").dataset.position).toBe(marker!.dataset.position)
  })

  it("shows the event log at the cursor, following it along the timeline", async () => {
    await recordSession()
    panel.one("rec-pane-log").click()
    flushSync()
    const held = () => Number(panel.one("log-count").dataset.held)
    await until(() => panel.all("log-view").length === 1 && held() > 0)
    const atEnd = held()
    // The 14 events recorded: the opening checkpoint carries state, not history.
    expect(atEnd).toBe(14)
    panel.all("timeline-marker", '[data-kind="mark"]')[0]!.click()
    flushSync()
    // Fewer events had happened at the mark; the log shows exactly those.
    await until(() => held() < atEnd)
    const atMark = held()
    panel.one("rec-step-forward").click()
    flushSync()
    await until(() => held() > atMark)
    expect(held()).toBeLessThanOrEqual(atEnd)
    // The maps are one click away, at the same moment.
    panel.one("rec-pane-state").click()
    flushSync()
    expect(panel.all("rec-panes")).toHaveLength(1)
  })

  it("exports, opens the file again, and keeps the panel as it was when a file is bad", async () => {
    await recordSession()
    const final = snapshotOf(panel.session.player!.state)
    panel.one("rec-export").click()
    await until(() => panel.saved.length === 1)
    expect(panel.saved[0]!.fileName).toMatch(/^ephemera-127\.0\.0\.1_4173-\d{8}-\d{6}\.ephrec$/)

    const input = panel.one("rec-open-input") as HTMLInputElement
    const choose = (file: File) => {
      Object.defineProperty(input, "files", { configurable: true, value: [file] })
      input.dispatchEvent(new Event("change", { bubbles: true }))
      flushSync()
    }
    choose(new File([panel.saved[0]!.bytes as Uint8Array<ArrayBuffer>], "session.ephrec"))
    expect(panel.one("rec-progress")).toBeTruthy()
    await until(() => panel.one("rec-info").textContent?.includes("session.ephrec"))
    expect(panel.all("rec-progress")).toEqual([])
    expect(snapshotOf(panel.session.player!.state)).toEqual(final)
    expect(panel.one("rec-info").textContent).toMatch(/Ephemera 9\.9\.9/)

    choose(new File([new TextEncoder().encode('{"not": "a recording"}')], "notes.json"))
    await until(() => panel.all("rec-error").length === 1)
    expect(panel.one("rec-error").textContent).toBe("Not an Ephemera recording (magic bytes missing): it looks like a JSON file")
    expect(panel.one("rec-info").textContent).toContain("session.ephrec")
    // A file cut short opens with what it holds, and says where it was cut.
    const whole = panel.session.player!.total
    const cut = panel.saved[0]!.bytes.slice(0, Math.floor(panel.saved[0]!.bytes.length * 0.7))
    choose(new File([cut], "cut.ephrec"))
    await until(() => panel.one("rec-info").textContent?.includes("cut.ephrec"))
    expect(panel.all("rec-error")).toEqual([])
    expect(panel.one("rec-cut").textContent).toMatch(/^\s*This recording was cut short: it holds [\d,]+ of [\d,]+ events/)
    expect(panel.session.player!.total).toBeLessThan(whole)
    // Cut inside its metadata, nothing can open: a clear message, and the open recording stays.
    choose(new File([panel.saved[0]!.bytes.slice(0, 30)], "stub.ephrec"))
    await until(() => panel.one("rec-error").textContent?.startsWith("Recording is truncated"))
    expect(panel.one("rec-info").textContent).toContain("cut.ephrec")
  })

  it("exports a redacted copy, which it will not replay", async () => {
    await recordSession()
    ;(panel.one("rec-redact") as HTMLInputElement).click()
    flushSync()
    panel.one("rec-export").click()
    await until(() => panel.saved.length === 1)
    expect(panel.saved[0]!.fileName).toMatch(/-redacted\.ephrec$/)
    const input = panel.one("rec-open-input") as HTMLInputElement
    Object.defineProperty(input, "files", {
      configurable: true,
      value: [new File([panel.saved[0]!.bytes as Uint8Array<ArrayBuffer>], "r.ephrec")],
    })
    input.dispatchEvent(new Event("change", { bubbles: true }))
    await until(() => panel.one("rec-info").dataset.redacted === "true")
    expect((panel.one("replay-start") as HTMLButtonElement).disabled).toBe(true)
    expect(panel.one("replay-status").textContent).toMatch(/redacted/)
  })

  it("replays the recorded peers into the live page and removes them on stop", async () => {
    await recordSession()
    deliverAt(panel, [
      [T0 + 1_000, pageStatus(true)],
      [
        T0 + 1_001,
        batch(
          5,
          hello(undefined, "0.1.0", "hook-3"),
          registered(repoInfo({ repoId: "fresh", label: "zoe", peerId: "900" }), {
            stores: [store("room:lobby", "presence", [entry("900", { name: "zoe" }, T0 + 1_000)])],
          }),
        ),
      ],
    ])
    ;(panel.one("replay-visibility") as HTMLSelectElement).value = "network"
    panel.one("replay-visibility").dispatchEvent(new Event("change", { bubbles: true }))
    flushSync()
    panel.one("replay-start").click()
    flushSync()
    const add = await until(() => panel.transport.sentToPage().find(message => message.type === "simulate/add"))
    expect(add).toMatchObject({
      repoId: "fresh",
      peers: expect.arrayContaining([expect.objectContaining({ docId: "room:lobby", visibility: "network" })]),
    })
    expect(panel.one("replay-status").dataset.state).not.toBe("idle")
    // The page reports the replay's peers, and one added by hand.
    const added = add!.type === "simulate/add" ? add!.peers : []
    const ids = added.map((_, index) => `sim-${index}`)
    const info = (id: string, name: string) => ({
      id,
      name,
      docId: "room:lobby",
      visibility: "network" as const,
      namespaces: {},
      paused: false,
      state: "live" as const,
      channelId: 9,
      createdAt: T0,
    })
    deliverAt(panel, [
      [
        T0 + 2_000,
        batch(6, {
          type: "simulate/state",
          repoId: "fresh",
          keepOnClose: false,
          peers: [...added.map((peer, index) => info(ids[index]!, peer.name)), info("by-hand", "someone")],
        }),
      ],
    ])
    await until(() => panel.one("replay-status").dataset.state !== "idle")
    const before = panel.transport.sentToPage().length
    panel.one("replay-stop").click()
    flushSync()
    const removed = panel.transport.sentToPage().slice(before)
    expect(removed.map(message => (message.type === "simulate/remove" ? message.peerId : message.type))).toEqual(ids)
    expect(panel.one("replay-status").dataset.state).toBe("idle")
  })

  it("offers the recorded peers with the page's own unticked, and exports the ticked ones as a test fixture", async () => {
    await recordSession()
    deliverAt(panel, [
      [T0 + 1_000, pageStatus(true)],
      [T0 + 1_001, batch(5, hello(undefined, "0.1.0", "hook-3"), registered(repoInfo({ repoId: "fresh", label: "zoe", peerId: "900" })))],
    ])
    // The recorded repo after the page's reload (bob had left by then): alice is the page itself.
    const boxes = () =>
      panel.all("replay-peer").map(box => ({
        name: box.dataset.name,
        self: box.dataset.self,
        role: box.dataset.role,
        checked: (box as HTMLInputElement).checked,
      }))
    expect(boxes()).toEqual([
      { name: "alice", self: "true", role: "client", checked: false },
      { name: "carol", self: "false", role: "client", checked: true },
    ])
    panel.one("replay-export-fixture").click()
    flushSync()
    expect(panel.saved.at(-1)?.fileName).toBe("room_lobby.fixture.json")
    const fixture = JSON.parse(new TextDecoder().decode(panel.saved.at(-1)!.bytes))
    expect(fixture).toMatchObject({ format: "ephemera-presence-fixture", version: 1, docId: "room:lobby", extensionVersion: "9.9.9" })
    expect(fixture.peers.map((peer: { name: string }) => peer.name)).toEqual(["carol"])

    // Unticking every peer leaves nothing to replay or export.
    ;(panel.one("replay-peer", '[data-name="carol"]') as HTMLInputElement).click()
    flushSync()
    expect((panel.one("replay-start") as HTMLButtonElement).disabled).toBe(true)
    expect((panel.one("replay-export-fixture") as HTMLButtonElement).disabled).toBe(true)
  })

  it("ends at a page reload unless asked to follow it, and still opens what it recorded", async () => {
    panel.one("rec-start").click()
    flushSync()
    deliverAt(panel, duringRecording())
    await until(() => panel.one("rec-status").dataset.state === "idle")
    expect(panel.one("rec-status").textContent).toMatch(/Stopped: the page reloaded/)
    await until(() => panel.all("timeline").length === 1)
    // Everything before the reload, nothing after: "alice" is still the first page's repo.
    expect(snapshotOf(panel.session.player!.state).repos.map(repo => [repo.repoId, repo.gone])).toEqual([
      ["r1", false],
      ["r2", false],
    ])
  })

  it("starts recording when the panel opens, once asked to", () => {
    ;(panel.one("rec-autostart") as HTMLInputElement).click()
    flushSync()
    const again = mountRecording()
    try {
      again.one("tab-record").click()
      flushSync()
      expect(again.one("rec-status").dataset.state).toBe("recording")
    } finally {
      again.destroy()
    }
  })
})
