// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { HookEvent, PeerSummary } from "../../protocol/messages"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, channel, events, hello, pageStatus, peer, registered, repoInfo, syncMessage } from "./fixtures/messages"

const DOC = "room:lobby"
const HUB = "900"
const BOB = "200"

function hub(status: string, version?: Record<string, number>): PeerSummary {
  return {
    ...peer(HUB, { name: "hub", channels: [1], subscriptions: [DOC] }),
    docSyncStates: [{ docId: DOC, status, ...(version ? { lastKnownVersion: version } : {}), lastUpdated: T0 }],
  }
}

describe("sync inspector", () => {
  let panel: MountedPanel
  beforeEach(() => {
    panel = mountPanel()
    panel.push(
      pageStatus(true),
      batch(
        1,
        hello(),
        registered(repoInfo(), {
          peers: [hub("pending"), peer(BOB, { name: "bob" })],
          channels: [channel(1, HUB, "network", "ws-client"), channel(2, undefined, "storage", "indexeddb")],
        }),
        registered(repoInfo({ repoId: "r2", label: "second", peerId: "101" }), { channels: [channel(5, BOB, "other", "sim")] }),
      ),
    )
    panel.one("tab-sync").click()
    panel.settle()
  })
  afterEach(() => panel.destroy())

  it("lists each document against each peer with status, subscription and version, and the channels", () => {
    const rows = panel.all("sync-row").map(row => [row.dataset.peerId, row.dataset.status, row.dataset.subscribed, row.dataset.self])
    expect(rows).toEqual([
      ["100", "—", "false", "true"],
      [HUB, "pending", "true", "false"],
      // Bob is in the model but has no channel: nothing is in sync with him now.
      [BOB, "disconnected", "false", "false"],
    ])
    expect(
      panel.all("sync-channel").map(row => [row.dataset.channelId, row.dataset.kind, row.dataset.adapter, row.dataset.established]),
    ).toEqual([
      ["1", "network", "ws-client", "true"],
      ["2", "storage", "indexeddb", "false"],
    ])
  })

  it("follows the model as synchronizer messages change it", () => {
    panel.push(
      batch(
        2,
        events(
          "r1",
          syncMessage(
            "r1",
            "synchronizer/channel-receive-message",
            { peers: [hub("synced", { "100": 7 }), peer(BOB, { name: "bob" })] },
            T0 + 1,
          ),
        ),
      ),
    )
    const row = panel.one("sync-row", `[data-peer-id="${HUB}"]`)
    expect(row.dataset.status).toBe("synced")
    expect(row.textContent).toContain("{100: 7}")
  })

  it("does not call a hub whose channel closed synced", () => {
    panel.push(
      batch(
        2,
        events(
          "r1",
          syncMessage(
            "r1",
            "synchronizer/channel-receive-message",
            { peers: [hub("synced", { "100": 7 }), peer(BOB, { name: "bob" })] },
            T0 + 1,
          ),
        ),
      ),
    )
    expect(panel.one("sync-row", `[data-peer-id="${HUB}"]`).querySelector('[data-testid="sync-status"]')!.textContent).toBe("synced")
    // The hub goes away: 5.x keeps it in the model with no channel and its last sync state.
    const goneHub = { ...hub("synced", { "100": 7 }), channels: [] }
    panel.push(
      batch(
        3,
        events(
          "r1",
          syncMessage("r1", "synchronizer/channel-removed", { peers: [goneHub, peer(BOB, { name: "bob" })], channels: [] }, T0 + 2),
        ),
      ),
    )
    const row = panel.one("sync-row", `[data-peer-id="${HUB}"]`)
    expect(row.dataset).toMatchObject({ status: "disconnected", connected: "false" })
    expect(row.querySelector('[data-testid="sync-status"]')!.textContent!.trim()).toBe("disconnected (was synced)")
  })

  it("switches repo", () => {
    panel.one("sync-repo", '[data-repo-id="r2"]').click()
    panel.settle()
    expect(panel.all("sync-channel").map(row => [row.dataset.channelId, row.dataset.kind])).toEqual([["5", "other"]])
    expect(panel.all("sync-row")).toHaveLength(0)
  })

  it("never calls a peer without a channel synced: it reads disconnected, with what the repo last knew", () => {
    // The repo keeps a gone peer's last ready state: "synced", with no channel.
    const readyStates = [{ identity: { peerId: HUB }, status: "synced", channels: [] }]
    const removed = syncMessage("r1", "synchronizer/channel-removed", {}, T0 + 1) as Extract<HookEvent, { kind: "sync-message" }>
    panel.push(
      batch(
        2,
        events("r1", {
          ...removed,
          delta: { peers: [{ ...hub("synced"), channels: [] }], documents: [{ docId: DOC, version: {}, readyStates }] },
        }),
      ),
    )
    const row = panel.one("sync-row", `[data-peer-id="${HUB}"]`)
    expect(row.dataset.status).toBe("disconnected")
    expect(row.textContent).toContain("disconnected (was synced)")
    expect(row.textContent!.replace("(was synced)", "")).not.toContain("synced")
    expect(row.dataset.ready).toBe("disconnected")
  })

  it("shows ready states as the repo recomputes them: ready-state-changed replaces what the model read", () => {
    const readyStates = (status: string, state: string) => [
      { identity: { peerId: HUB }, status, channels: [{ kind: "network", state, adapterType: "ws-client" }] },
    ]
    // The model is read before the repo recomputes ready states: it still says "pending".
    const documents = [{ docId: DOC, version: {}, readyStates: readyStates("pending", "connected") }]
    const ensure = syncMessage("r1", "synchronizer/doc-ensure", {}, T0 + 1) as Extract<HookEvent, { kind: "sync-message" }>
    panel.push(batch(2, events("r1", { ...ensure, delta: { documents } })))
    expect(panel.one("sync-row", `[data-peer-id="${HUB}"]`).dataset.ready).toBe("pending")
    panel.push(
      batch(
        3,
        events("r1", {
          kind: "emitter",
          id: 90_001,
          repoId: "r1",
          t: T0 + 2,
          name: "ready-state-changed",
          data: { docId: DOC, readyStates: readyStates("synced", "established") },
        }),
      ),
    )
    const row = panel.one("sync-row", `[data-peer-id="${HUB}"]`)
    expect(row.dataset.ready).toBe("synced")
    expect(row.textContent).toContain("network established via ws-client")
  })

  it("a simulated peer's absent document is expected, not an error", () => {
    const simulated = {
      ...peer("555", { name: "sim-1", channels: [9], subscriptions: [DOC] }),
      docSyncStates: [{ docId: DOC, status: "absent", lastUpdated: T0 }],
    }
    panel.push(
      batch(2, events("r1", syncMessage("r1", "synchronizer/channel-added", { peers: [hub("pending"), simulated] }, T0 + 1)), {
        type: "simulate/state",
        repoId: "r1",
        keepOnClose: false,
        peers: [
          {
            id: "555",
            name: "sim-1",
            docId: DOC,
            visibility: "local",
            state: "live",
            paused: false,
            channelId: 9,
            createdAt: T0,
            namespaces: {},
          },
        ],
      }),
    )
    const status = panel.one("sync-row", '[data-peer-id="555"]').querySelector(".status")!
    expect(status.textContent).toBe("absent")
    expect(status.classList.contains("expected")).toBe(true)
    // A real peer's absent stays marked.
    panel.push(
      batch(3, events("r1", syncMessage("r1", "synchronizer/channel-added", { peers: [{ ...hub("absent") }, simulated] }, T0 + 2))),
    )
    expect(panel.one("sync-row", `[data-peer-id="${HUB}"]`).querySelector(".status")!.classList.contains("expected")).toBe(false)
  })
})
