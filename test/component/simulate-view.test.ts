// @vitest-environment jsdom
/**
 * The Simulate view over an in-memory transport: what it pre-fills from
 * real peers, what it sends, how it shows the hook's answers, and how the
 * live view marks simulated peers.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { HookToPanelMessage, PanelToHookMessage, SimulatedPeerInfo } from "../../protocol/messages"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, channel, entry, hello, pageStatus, peer, registered, repoInfo, store, tombstone } from "./fixtures/messages"

const DOC = "room:lobby"
const SELF = "100"
const BOB = "200"
const SIM = "1099511627777"

let seq = 1
function fromPage(panel: MountedPanel, ...messages: HookToPanelMessage[]): void {
  panel.push(batch(seq++, ...messages))
}

const HUB = "300"
const SERVER_STATE = { type: "server", name: "hub", clients: 2, notes: 0 }

/** The page with alice (self) and bob; `withServer` adds a hub whose presence is the server's state, written last. */
function openPage(panel: MountedPanel, withServer = false): void {
  seq = 1
  panel.push(pageStatus(true))
  fromPage(
    panel,
    hello(),
    registered(repoInfo(), {
      peers: [peer(BOB, { name: "bob", channels: [1], subscriptions: [DOC] })],
      channels: [channel(1, BOB)],
      stores: [
        store(DOC, "presence", [
          entry(SELF, { name: "alice", color: "#f00" }, T0),
          entry(BOB, { name: "bob", color: "#00f" }, T0),
          ...(withServer ? [entry(HUB, SERVER_STATE, T0 + 5)] : []),
        ]),
        store(DOC, "cursor", [entry(SELF, { x: 100, y: 40 }, T0), entry(BOB, { x: 700, y: 560 }, T0)]),
        store(DOC, "typing", [entry(BOB, { typing: false }, T0)]),
      ],
    }),
  )
}

function simPeer(overrides: Partial<SimulatedPeerInfo> = {}): SimulatedPeerInfo {
  return {
    id: SIM,
    name: "sim",
    docId: DOC,
    visibility: "local",
    namespaces: {
      presence: { value: { name: "sim", color: "#123456" }, behaviour: { kind: "static" } },
      cursor: { value: { x: 10, y: 20 }, behaviour: { kind: "random-walk", rateHz: 10, step: 6, bounds: { x: [100, 700], y: [40, 560] } } },
    },
    paused: false,
    state: "live",
    channelId: 1_000_000_007,
    createdAt: T0,
    ...overrides,
  }
}

function type(panel: MountedPanel, element: HTMLElement, value: string): void {
  const input = element as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event(input.tagName === "SELECT" ? "change" : "input", { bubbles: true }))
  panel.settle()
}

function click(panel: MountedPanel, element: HTMLElement): void {
  element.click()
  panel.settle()
}

function editor(panel: MountedPanel, namespace: string): HTMLElement {
  return panel.one("sim-namespace-editor", `[data-namespace="${namespace}"]`)
}

function inEditor(panel: MountedPanel, namespace: string, testId: string): HTMLInputElement {
  return editor(panel, namespace).querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)!
}

function sent(panel: MountedPanel): PanelToHookMessage[] {
  return panel.transport.sentToPage()
}

describe("Simulate view", () => {
  let panel: MountedPanel
  beforeEach(() => {
    panel = mountPanel()
    openPage(panel)
    click(panel, panel.one("tab-simulate"))
  })
  afterEach(() => panel.destroy())

  it("pre-fills one editor per namespace from real peers' values and positions", () => {
    expect((panel.one("sim-repo-select") as HTMLSelectElement).value).toBe("r1")
    expect((panel.one("sim-room-select") as HTMLSelectElement).value).toBe(DOC)
    expect(panel.all("sim-namespace-editor").map(el => el.dataset.namespace)).toEqual(["presence", "cursor", "typing"])
    expect(JSON.parse(inEditor(panel, "presence", "sim-value").value)).toEqual({ name: "{{name}}", color: "{{color}}" })
    // Starting cursors are spread over the positions seen, not stacked on alice's.
    expect(inEditor(panel, "cursor", "sim-value").value).toBe('{\n  "x": {{rand 100 700}},\n  "y": {{rand 40 560}}\n}')
    expect(inEditor(panel, "cursor", "sim-behaviour").value).toBe("random-walk")
    expect(["sim-x-min", "sim-x-max", "sim-y-min", "sim-y-max"].map(id => inEditor(panel, "cursor", id).value)).toEqual([
      "100",
      "700",
      "40",
      "560",
    ])
    expect(inEditor(panel, "typing", "sim-behaviour").value).toBe("toggle")
    expect(inEditor(panel, "typing", "sim-toggle-field").value).toBe("typing")
    expect(inEditor(panel, "presence", "sim-behaviour").value).toBe("static")
  })

  it("adds N auto-numbered peers with one simulate/add, and says so while the page answers", () => {
    type(panel, panel.one("sim-name"), "ghost")
    type(panel, panel.one("sim-count"), "3")
    type(panel, panel.one("sim-visibility"), "network")
    click(panel, inEditor(panel, "typing", "sim-include"))
    expect(panel.one("sim-add").textContent).toBe("Add 3 peers")
    click(panel, panel.one("sim-add"))

    const [add] = sent(panel)
    expect(add).toMatchObject({ type: "simulate/add", repoId: "r1" })
    if (add?.type !== "simulate/add") throw new Error("expected simulate/add")
    expect(add.peers.map(spec => [spec.name, spec.docId, spec.visibility, Object.keys(spec.namespaces)])).toEqual([
      ["ghost-1", DOC, "network", ["presence", "cursor"]],
      ["ghost-2", DOC, "network", ["presence", "cursor"]],
      ["ghost-3", DOC, "network", ["presence", "cursor"]],
    ])
    expect(add.peers[1]!.namespaces.presence!.value).toMatchObject({ name: "ghost-2" })
    expect(add.peers[0]!.namespaces.cursor!.behaviour).toMatchObject({ kind: "random-walk", bounds: { x: [100, 700], y: [40, 560] } })
    expect(panel.all("sim-pending")).toHaveLength(1)

    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [simPeer({ name: "ghost-1" })], keepOnClose: false })
    expect(panel.all("sim-pending")).toHaveLength(0)
    expect(panel.all("sim-peer-row").map(row => [row.dataset.peerId, row.dataset.name, row.dataset.state])).toEqual([
      [SIM, "ghost-1", "live"],
    ])
  })

  it("shows invalid JSON and bad parameters inline and sends nothing", () => {
    type(panel, inEditor(panel, "cursor", "sim-value"), '{"x": 1,\n}')
    expect(inEditor(panel, "cursor", "sim-json-error").textContent).toMatch(/^Invalid JSON at line 2, column 1: /)
    expect((panel.one("sim-add") as HTMLButtonElement).disabled).toBe(true)
    type(panel, inEditor(panel, "cursor", "sim-value"), '{"x": 1, "y": 2}')
    type(panel, inEditor(panel, "cursor", "sim-rate"), "500")
    expect(inEditor(panel, "cursor", "sim-behaviour-error").textContent).toMatch(/at most 60 Hz/)
    type(panel, panel.one("sim-count"), "0")
    expect(panel.one("sim-field-error", '[data-field="count"]').textContent).toMatch(/between 1 and 200/)
    click(panel, panel.one("sim-add"))
    expect(sent(panel)).toEqual([])
  })

  it("asks before adding values that do not match real peers' shape", () => {
    type(panel, inEditor(panel, "presence", "sim-value"), '{"name": 42}')
    expect(inEditor(panel, "presence", "sim-shape-warning").textContent).toMatch(/value.color is missing/)
    click(panel, panel.one("sim-add"))
    expect(sent(panel)).toEqual([])
    expect(panel.one("sim-confirm-warnings").textContent).toMatch(/presence: value.name: a string in real peers' values, here a number/)
    click(panel, panel.one("sim-cancel-confirm"))
    expect(panel.all("sim-confirm-warnings")).toHaveLength(0)
    click(panel, panel.one("sim-add"))
    click(panel, panel.one("sim-confirm"))
    expect(sent(panel).map(message => message.type)).toEqual(["simulate/add"])
  })

  it("shows the page's refusal in words", () => {
    click(panel, panel.one("sim-add"))
    const [add] = sent(panel) as Array<{ requestId: string }>
    fromPage(panel, {
      type: "simulate/error",
      requestId: add!.requestId,
      message: 'peers[0].docId: the repo has no document or ephemeral store for "room:lobby"',
      code: "unknown-doc",
    })
    expect(panel.one("sim-error").textContent).toBe(
      'Could not add sim: peers[0].docId: the repo has no document or ephemeral store for "room:lobby"',
    )
    expect(panel.all("sim-pending")).toHaveLength(0)
  })

  it("pauses, edits, removes one, removes all and switches keep-on-close through the page", () => {
    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [simPeer()], keepOnClose: false })
    const row = () => panel.one("sim-peer-row", `[data-peer-id="${SIM}"]`)
    const inRow = (testId: string) => row().querySelector<HTMLElement>(`[data-testid="${testId}"]`)!
    click(panel, inRow("sim-pause"))
    click(panel, panel.one("sim-keep-on-close"))
    expect((panel.one("sim-keep-on-close") as HTMLInputElement).checked).toBe(false)
    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [simPeer({ paused: true })], keepOnClose: true })
    expect(row().dataset.paused).toBe("true")
    expect(inRow("sim-pause").textContent).toBe("Resume")
    expect((panel.one("sim-keep-on-close") as HTMLInputElement).checked).toBe(true)

    click(panel, inRow("sim-edit"))
    expect(panel.one("sim-form").dataset.mode).toBe("edit")
    expect(panel.all("sim-name")).toHaveLength(0)
    expect(JSON.parse(inEditor(panel, "cursor", "sim-value").value)).toEqual({ x: 10, y: 20 })
    expect(inEditor(panel, "cursor", "sim-rate").value).toBe("10")
    type(panel, inEditor(panel, "cursor", "sim-rate"), "30")
    click(panel, panel.one("sim-save"))
    expect(panel.one("sim-form").dataset.mode).toBe("add")

    click(panel, inRow("sim-remove"))
    click(panel, panel.one("sim-remove-all"))
    const messages = sent(panel).map(message => {
      const { requestId, ...rest } = message as Extract<PanelToHookMessage, { requestId: string }>
      expect(requestId).toMatch(/^sim-/)
      return rest
    })
    expect(messages).toEqual([
      { type: "simulate/pause", repoId: "r1", peerId: SIM, paused: true },
      { type: "simulate/set-keep-on-close", repoId: "r1", keep: true },
      {
        type: "simulate/update",
        repoId: "r1",
        peerId: SIM,
        patch: {
          namespaces: {
            cursor: {
              value: { x: 10, y: 20 },
              behaviour: { kind: "random-walk", rateHz: 30, step: 6, bounds: { x: [100, 700], y: [40, 560] } },
            },
          },
        },
      },
      { type: "simulate/remove", repoId: "r1", peerId: SIM },
      { type: "simulate/remove-all", repoId: "r1" },
    ])
  })

  it("marks simulated peers in the live view's members and maps, named as configured", () => {
    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [simPeer({ name: "walker" })], keepOnClose: false })
    fromPage(panel, {
      type: "repo/events",
      repoId: "r1",
      events: [
        {
          id: 1,
          repoId: "r1",
          t: T0,
          kind: "store",
          docId: DOC,
          namespace: "cursor",
          by: "import",
          entries: [entry(SIM, { x: 10, y: 20 }, T0)],
        },
      ],
    })
    click(panel, panel.one("tab-live"))
    expect(Object.fromEntries(panel.all("member-row").map(row => [row.dataset.peerId, row.dataset.simulated]))).toEqual({
      [SELF]: "false",
      [BOB]: "false",
      [SIM]: "true",
    })
    expect(panel.one("ephemeral-entry", `[data-namespace="cursor"][data-key="${SIM}"]`).dataset.simulated).toBe("true")
    expect(panel.one("ephemeral-entry", `[data-namespace="cursor"][data-key="${BOB}"]`).dataset.simulated).toBe("false")
    expect(panel.all("sim-badge")).toHaveLength(2)
    // Only a cursor, no presence name, and no identity in the model (it came through the relay).
    const row = panel.one("member-row", `[data-peer-id="${SIM}"]`) as HTMLTableRowElement
    expect(row.cells[1]?.textContent).toContain("walker")
  })

  it("says so when the page starts to leave with simulated peers, before the reload arrives", () => {
    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [simPeer()], keepOnClose: true })
    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [], keepOnClose: true, pageLeft: true })
    expect(panel.one("sim-notice").dataset.reason).toBe("reloaded")
    expect(panel.one("sim-notice").textContent).toMatch(
      /The page started to leave \(reload or navigation\): its 1 simulated peer was removed/,
    )
  })

  it("folds removed simulated peers into one members line that expands and clears", () => {
    const twin = "1099511627778"
    const live = "1099511627779"
    const carol = "400"
    const presence = (entries: ReturnType<typeof entry>[], t: number): HookToPanelMessage => ({
      type: "repo/events",
      repoId: "r1",
      events: [{ id: t, repoId: "r1", t, kind: "store", docId: DOC, namespace: "presence", by: "import", entries }],
    })
    fromPage(panel, {
      type: "simulate/state",
      repoId: "r1",
      peers: [simPeer(), simPeer({ id: twin, name: "twin" }), simPeer({ id: live, name: "stays" })],
      keepOnClose: false,
    })
    fromPage(
      panel,
      presence(
        [entry(SIM, { name: "sim" }, T0 + 1), entry(twin, { name: "twin" }, T0 + 1), entry(live, { name: "stays" }, T0 + 1)],
        T0 + 1,
      ),
    )
    // Two simulated peers are removed, and carol, a real peer, leaves too.
    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [simPeer({ id: live, name: "stays" })], keepOnClose: false })
    fromPage(panel, presence([tombstone(SIM, T0 + 2), tombstone(twin, T0 + 2), tombstone(carol, T0 + 2)], T0 + 2))
    click(panel, panel.one("tab-live"))
    const rows = () => Object.fromEntries(panel.all("member-row").map(row => [row.dataset.peerId, row.dataset.present]))
    expect(rows()).toEqual({ [SELF]: "true", [BOB]: "true", [carol]: "false", [live]: "true" })
    expect(panel.one("gone-sim-summary").dataset.count).toBe("2")
    expect(panel.one("gone-sim-toggle").textContent).toMatch(/2 removed simulated peers/)

    click(panel, panel.one("gone-sim-toggle"))
    expect(rows()).toEqual({ [SELF]: "true", [BOB]: "true", [carol]: "false", [live]: "true", [SIM]: "false", [twin]: "false" })
    expect(panel.one("gone-sim-toggle").getAttribute("aria-expanded")).toBe("true")
    click(panel, panel.one("gone-sim-toggle"))
    expect(Object.keys(rows())).toHaveLength(4)

    click(panel, panel.one("gone-sim-clear"))
    expect(panel.all("gone-sim-summary")).toHaveLength(0)
    expect(rows()).toEqual({ [SELF]: "true", [BOB]: "true", [carol]: "false", [live]: "true" })
    // The one still simulated is removed later: it folds into a new line of its own.
    fromPage(panel, { type: "simulate/state", repoId: "r1", peers: [], keepOnClose: false })
    fromPage(panel, presence([tombstone(live, T0 + 3)], T0 + 3))
    expect(panel.one("gone-sim-summary").dataset.count).toBe("1")
    expect(rows()).toEqual({ [SELF]: "true", [BOB]: "true", [carol]: "false" })
  })

  it("says so when the page reloads mid-simulation or the repo is unregistered", () => {
    fromPage(panel, {
      type: "simulate/state",
      repoId: "r1",
      peers: [simPeer(), simPeer({ id: "1099511627778", name: "two" })],
      keepOnClose: false,
    })
    seq = 1
    fromPage(panel, hello(undefined, undefined, "hook-2"), registered(repoInfo()))
    expect(panel.one("sim-notice").dataset.reason).toBe("reloaded")
    expect(panel.one("sim-notice").textContent).toMatch(/The page reloaded: its 2 simulated peers were removed/)
    expect(panel.all("sim-peer-row")).toHaveLength(0)

    fromPage(panel, { type: "repo/unregistered", repoId: "r1", reason: "unregistered" })
    expect(panel.all("sim-notice", '[data-reason="gone"]')).toHaveLength(1)
    expect((panel.one("sim-add") as HTMLButtonElement).disabled).toBe(true)
  })

  it("starts from a client, not the server whose state is the room's newest value, and shapes like any member chosen", () => {
    panel.destroy()
    panel = mountPanel()
    openPage(panel, true)
    click(panel, panel.one("tab-simulate"))
    expect(JSON.parse(inEditor(panel, "presence", "sim-value").value)).toEqual({ name: "{{name}}", color: "{{color}}" })
    expect(panel.one("sim-template-from").dataset.peerId).toMatch(new RegExp(`^(${SELF}|${BOB})$`))
    expect(panel.one("sim-template-from").textContent).toMatch(/a typical client/)

    type(panel, panel.one("sim-shape-like"), HUB)
    expect(JSON.parse(inEditor(panel, "presence", "sim-value").value)).toEqual({ type: "server", name: "{{name}}", clients: 2, notes: 0 })
    expect(panel.one("sim-template-from").textContent).toMatch(/hub is a service.*publishes type: "server"/s)
    // The hub writes no cursor: a peer shaped like it does not either.
    expect(inEditor(panel, "cursor", "sim-include").checked).toBe(false)

    type(panel, panel.one("sim-shape-like"), BOB)
    expect(JSON.parse(inEditor(panel, "presence", "sim-value").value)).toEqual({ name: "{{name}}", color: "{{color}}" })
    expect(inEditor(panel, "typing", "sim-include").checked).toBe(true)
    expect(panel.one("sim-template-from").dataset.peerId).toBe(BOB)
  })

  it("warns that the app's server may keep what network-wide peers write, only while network-wide is chosen", () => {
    expect(panel.all("sim-network-warning")).toHaveLength(0)
    type(panel, panel.one("sim-visibility"), "network")
    expect(panel.one("sim-network-warning").textContent).toMatch(/server.*may keep what they write/)
    type(panel, panel.one("sim-visibility"), "local")
    expect(panel.all("sim-network-warning")).toHaveLength(0)
  })

  it("sets network conditions on a channel through the page, lists them, shows them in the status bar, and removes them", () => {
    expect(panel.all("net-status")).toHaveLength(0)
    type(panel, panel.one("net-dropPercent"), "150")
    expect(panel.one("net-invalid").textContent).toMatch(/Drop %: a number from 0 to 100/)
    expect((panel.one("net-apply") as HTMLButtonElement).disabled).toBe(true)
    type(panel, panel.one("net-dropPercent"), "0")
    click(panel, panel.one("net-apply"))
    const request = sent(panel).at(-1)
    expect(request).toMatchObject({
      type: "simulate/network",
      repoId: "r1",
      channelId: 1,
      conditions: { delayMs: 500, jitterMs: 0, dropPercent: 0, reorderPercent: 0 },
    })
    const conditions = { delayMs: 500, jitterMs: 0, dropPercent: 0, reorderPercent: 0 }
    fromPage(panel, {
      type: "simulate/network-state",
      repoId: "r1",
      channels: [{ channelId: 1, conditions, delivered: 4, dropped: 2, pending: 1 }],
    })
    expect(panel.one("net-active").textContent?.replace(/\s+/g, " ")).toMatch(
      /#1 websocket → bob: 500 ms ± 0, drop 0 %.*4 delivered, 2 dropped, 1 held/,
    )
    expect(panel.one("net-status").textContent).toMatch(/network conditions on 1 channel$/)

    click(panel, panel.one("net-remove"))
    expect(sent(panel).at(-1)).toMatchObject({ type: "simulate/network", channelId: 1, conditions: null })
    fromPage(panel, { type: "simulate/network-state", repoId: "r1", channels: [] })
    expect(panel.all("net-active")).toHaveLength(0)
    expect(panel.all("net-status")).toHaveLength(0)

    fromPage(panel, {
      type: "simulate/error",
      requestId: (sent(panel).at(-1) as { requestId: string }).requestId,
      message: "Channel 1 is not open",
      code: "unknown-channel",
    })
    expect(panel.one("net-error").textContent).toBe("Channel 1 is not open")
  })

  it("keeps the form across tab switches", () => {
    type(panel, panel.one("sim-name"), "kept")
    click(panel, panel.one("tab-live"))
    click(panel, panel.one("tab-simulate"))
    expect((panel.one("sim-name") as HTMLInputElement).value).toBe("kept")
  })
})
