// @vitest-environment jsdom
/**
 * Names where a peer appears, over real repos: a hub and four spokes on the
 * library's BridgeAdapter, the real page hook on alice's repo, and the panel
 * fed exactly what the hook posted. Alice's repo knows the hub's name from
 * the handshake; the others' names only from what they publish in presence
 * (`name`, `displayName`, `user.name`), and their cursors carry no name.
 */
import { Bridge, BridgeAdapter, Repo, Shape } from "@loro-extended/repo"
import { tick } from "svelte"
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest"
import type { BackgroundToPanelMessage } from "../../protocol/messages"
import { memoryTransport } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import { searchText, subjectPeers } from "../../devtools-panel/log/filter"
import { rowSeq } from "../../devtools-panel/log/filtered-index"
import { recordAt } from "../../devtools-panel/state/event-log"
import { logViewModel } from "../../devtools-panel/views/log/log-view.svelte"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"

const ROOM = "room:lobby"
const DocShape = Shape.doc({ title: Shape.text() })
const Cursor = Shape.plain.struct({ x: Shape.plain.number(), y: Shape.plain.number() })
const ByName = Shape.plain.struct({ name: Shape.plain.string() })
const ByDisplayName = Shape.plain.struct({ displayName: Shape.plain.string() })
const ByUser = Shape.plain.struct({ user: Shape.plain.struct({ name: Shape.plain.string() }) })

interface Scenario {
  messages: BackgroundToPanelMessage[]
  ids: { hub: string; alice: string; bob: string; carol: string; dave: string }
}

// jsdom has no layout: the log's list measures its height with a ResizeObserver, which jsdom lacks.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver

async function until(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`waiting for ${what}`)
    },
    { timeout: 10_000 },
  )
}

async function record(): Promise<Scenario> {
  const transport = memoryTransport()
  const { hook, dispose } = createHook({ transport, url: () => "http://app.test/", root: {} })
  const relay = (message: unknown) => transport.deliver(message)
  const hub = new Repo({ identity: { name: "hub", type: "service" } })
  // Spokes without identity names: the panel can only learn them from presence.
  const alice = new Repo({ identity: { name: "alice" } })
  const bob = new Repo({ identity: { type: "user" } })
  const carol = new Repo({ identity: { type: "user" } })
  const dave = new Repo({ identity: { type: "user" } })
  const spokes = { alice, bob, carol, dave }
  try {
    hook.register(alice, { label: "alice's page" })
    relay({ type: "panel/subscribe" })
    for (const [name, spoke] of Object.entries(spokes)) {
      const bridge = new Bridge()
      await hub.addAdapter(new BridgeAdapter({ bridge, adapterType: `hub-to-${name}` }))
      await spoke.addAdapter(new BridgeAdapter({ bridge, adapterType: name }))
    }
    hub.get(ROOM, DocShape, { presence: ByName, cursor: Cursor })
    const atAlice = alice.get(ROOM, DocShape, { presence: ByName, cursor: Cursor })
    const rooms = {
      bob: bob.get(ROOM, DocShape, { presence: ByName, cursor: Cursor }),
      carol: carol.get(ROOM, DocShape, { presence: ByDisplayName, cursor: Cursor }),
      dave: dave.get(ROOM, DocShape, { presence: ByUser, cursor: Cursor }),
    }
    atAlice.presence.setSelf({ name: "alice" })
    rooms.bob.presence.setSelf({ name: "bob" })
    rooms.carol.presence.setSelf({ displayName: "Carol" })
    rooms.dave.presence.setSelf({ user: { name: "Dave" } })
    rooms.bob.cursor.setSelf({ x: 1, y: 1 })
    rooms.carol.cursor.setSelf({ x: 2, y: 2 })
    rooms.dave.cursor.setSelf({ x: 3, y: 3 })
    await until(
      () =>
        [bob, carol, dave].every(
          peer => atAlice.cursor.peers.has(peer.identity.peerId) && atAlice.presence.peers.has(peer.identity.peerId),
        ),
      "alice to see every spoke's presence and cursor",
    )
    hook.flush()
    const messages: BackgroundToPanelMessage[] = [
      { type: "background/page-status", connected: true, url: "http://app.test/" },
      ...transport
        .messages()
        .map((message, seq): BackgroundToPanelMessage => ({ type: "background/page-batch", batch: { seq, messages: [message] } })),
    ]
    const ids = {
      hub: hub.identity.peerId,
      alice: alice.identity.peerId,
      bob: bob.identity.peerId,
      carol: carol.identity.peerId,
      dave: dave.identity.peerId,
    }
    return { messages, ids }
  } finally {
    dispose()
    for (const repo of [hub, alice, bob, carol, dave]) repo.synchronizer.stopHeartbeat()
  }
}

function type(input: HTMLElement, value: string): void {
  ;(input as HTMLInputElement).value = value
  input.dispatchEvent(new Event("input", { bubbles: true }))
}

async function settle(panel: MountedPanel): Promise<void> {
  panel.settle()
  await tick()
  panel.settle()
}

describe("peer names in every view, over real repos", () => {
  let scenario: Scenario
  let panel: MountedPanel
  beforeAll(async () => {
    scenario = await record()
  }, 30_000)
  beforeEach(() => {
    panel?.destroy()
    panel = mountPanel({ now: () => Date.now() })
    panel.push(...scenario.messages)
  })
  afterAll(() => panel?.destroy())

  const entries = () => panel.all("ephemeral-entry")

  it("names every map key by what its peer published, in every namespace, with the id kept on hover", () => {
    const { ids } = scenario
    const keyText = (namespace: string, peerId: string) => {
      const row = panel.one("ephemeral-entry", `[data-namespace="${namespace}"][data-key="${peerId}"]`)
      const key = row.querySelector<HTMLElement>('[data-testid="entry-key"]')!
      return { text: key.textContent?.trim(), title: key.title }
    }
    for (const namespace of ["presence", "cursor"]) {
      expect(keyText(namespace, ids.bob).text).toBe("bob")
      expect(keyText(namespace, ids.carol).text).toBe("Carol")
      expect(keyText(namespace, ids.dave).text).toBe("Dave")
      expect(keyText(namespace, ids.carol).title).toContain(ids.carol)
    }
    // The hub relayed everyone's keys: the writer column names the writer and the relay.
    const bobCursor = panel.one("ephemeral-entry", `[data-namespace="cursor"][data-key="${ids.bob}"]`)
    const writer = bobCursor.querySelector<HTMLElement>('[data-testid="entry-credit"]')!
    expect(writer.textContent).toMatch(/bob\s+via hub/)
    expect(writer.title).toContain(ids.bob)
    expect(writer.title).toContain(ids.hub)
  })

  it("names every member, and the hub that relays them", () => {
    const { ids } = scenario
    const member = (peerId: string) => panel.one("member-row", `[data-peer-id="${peerId}"]`)
    expect(member(ids.carol).textContent).toContain("Carol")
    expect(member(ids.dave).textContent).toContain("Dave")
    expect(member(ids.bob).querySelector('[data-connection="relayed"]')!.textContent).toContain("relayed via hub")
  })

  it("finds a peer's keys in every namespace by name, and by id", async () => {
    const { ids } = scenario
    type(panel.one("search-input"), "carol")
    await settle(panel)
    expect(entries().map(el => `${el.dataset.namespace}/${el.dataset.key}`)).toEqual([`presence/${ids.carol}`, `cursor/${ids.carol}`])
    expect(panel.all("member-row").map(el => el.dataset.peerId)).toEqual([ids.carol])
    type(panel.one("search-input"), ids.dave.slice(-6))
    await settle(panel)
    expect(entries().map(el => `${el.dataset.namespace}/${el.dataset.key}`)).toEqual([`presence/${ids.dave}`, `cursor/${ids.dave}`])
  })

  it("the log names peers in its rows and its search finds a peer's cursor frames by name", async () => {
    const { ids } = scenario
    const model = logViewModel(panel.store)
    model.refreshMs = 0
    panel.one("tab-log").click()
    await settle(panel)
    expect(panel.all("log-row").some(row => /\bhub\b/.test(row.textContent ?? ""))).toBe(true)
    const held = Number(panel.one("log-count").dataset.held)
    type(panel.one("log-search"), "dave")
    await vi.waitFor(() => expect(model.pending).toBe(0))
    await settle(panel)
    const shown = Array.from({ length: model.index.count }, (_, i) => recordAt(panel.store.state.log, rowSeq(model.index.rowAt(i)!))!)
    expect(shown.length).toBeGreaterThan(0)
    expect(shown.length).toBeLessThan(held)
    // Dave's cursor frames carry only his id: without his name they would not match "dave".
    const byNameOnly = shown.filter(record => !searchText(record).includes("dave"))
    expect(byNameOnly.length).toBeGreaterThan(0)
    for (const record of byNameOnly) expect([...record.facets.peerIds, ...subjectPeers(record)]).toContain(ids.dave)
  })

  it("the sync view names the hub and never shows its bare id", async () => {
    const { ids } = scenario
    panel.one("tab-sync").click()
    await settle(panel)
    const hubRows = panel.all("sync-row", `[data-peer-id="${ids.hub}"]`)
    expect(hubRows.length).toBeGreaterThan(0)
    for (const row of hubRows) {
      expect(row.textContent).toContain("hub")
      expect(row.textContent).not.toContain(ids.hub)
    }
    const channel = panel.all("sync-channel").find(row => row.textContent?.includes("hub"))
    expect(channel).toBeDefined()
  })
})
