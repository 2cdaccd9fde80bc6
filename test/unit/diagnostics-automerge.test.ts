/**
 * Findings on real automerge-repo repos (2.5.6, test/support/automerge-world):
 * duplicate gossip when a repo has two paths to a sender, a peer pruned
 * without a goodbye (a ghost), and a peer pruned while alive because its
 * heartbeats are slower than the receiver's TTL. Each page is the real hook
 * with the panel's reducer and detectors behind it (ObservedPage).
 */
import type { Presence } from "@automerge/automerge-repo"
import { afterEach, describe, expect, it, vi } from "vitest"
import { DUPLICATE_MIN_ARRIVALS } from "../../devtools-panel/diagnostics/detectors/duplicate-gossip"
import { type AutomergeWorld, createAutomergeWorld } from "../support/automerge-world"
import { ObservedPage } from "../support/observed-page"

let world: AutomergeWorld | undefined
let page: ObservedPage | undefined

afterEach(async () => {
  page?.dispose()
  page = undefined
  await world?.dispose()
  world = undefined
})

/** The peers a Presence holds, by peer id. */
const atBob = (presence: Presence<Record<string, unknown>>) =>
  presence.getPeerStates().value as unknown as Record<string, { value: Record<string, unknown> } | undefined>

/** Bob's page, with the panel open, on a fresh world with the document open everywhere. */
async function bobsPage(): Promise<{ world: AutomergeWorld; page: ObservedPage; docId: string }> {
  world = createAutomergeWorld()
  page = new ObservedPage([{ repo: world.bob, label: "bob" }])
  const handles = await world.openDoc()
  return { world, page, docId: handles.bob.documentId }
}

describe("duplicate gossip", () => {
  it("is raised on a repo that gets each message twice, naming the sender and both paths", async () => {
    const { world, page } = await bobsPage()
    await world.mesh()
    const alice = world.presence(world.handles.alice, { cursor: 0 })
    const bob = world.presence(world.handles.bob, { cursor: 0 })
    page.hook.register(bob)
    for (let x = 1; x <= DUPLICATE_MIN_ARRIVALS; x++) alice.broadcast("cursor", x)
    await vi.waitFor(() => expect(page.findings("duplicate-gossip")).toHaveLength(1))
    const [finding] = page.findings("duplicate-gossip")
    expect(finding!.peers.map(peer => peer.peerId)).toEqual(["alice"])
    expect(page.text("duplicate-gossip")[0]).toMatch(/^\d+ of \d+ ephemeral messages \(\d+ %\) in 10 s reached this repo again/)
    const paths = finding!.details!.map(line =>
      line.map(part => (typeof part === "string" ? part : "peer" in part ? part.peer.peerId : "")).join(""),
    )
    expect(paths).toHaveLength(1)
    expect(paths[0]).toMatch(/^alice: \d+ dropped; its messages came through (server and alice|alice and server)\.$/)
  })

  it("is not raised behind a single server, however busy", async () => {
    const { world, page } = await bobsPage()
    const alice = world.presence(world.handles.alice, { cursor: 0 })
    const bob = world.presence(world.handles.bob, { cursor: 0 })
    page.hook.register(bob)
    for (let x = 1; x <= 3 * DUPLICATE_MIN_ARRIVALS; x++) alice.broadcast("cursor", x)
    await vi.waitFor(() => expect(atBob(bob).alice?.value.cursor).toBe(3 * DUPLICATE_MIN_ARRIVALS))
    expect(page.findings("duplicate-gossip")).toEqual([])
  })
})

describe("ghosts", () => {
  it("names a peer pruned without a goodbye, and how long it was silent", async () => {
    const { world, page } = await bobsPage()
    world.presence(world.handles.alice, { cursor: 1 }, { heartbeatMs: 40 })
    const bob = world.presence(world.handles.bob, { cursor: 2 }, { heartbeatMs: 40, peerTtlMs: 300 })
    page.hook.register(bob)
    await vi.waitFor(() => expect(atBob(bob).alice).toBeDefined())
    // Alice's repo loses the network: no goodbye, no heartbeats.
    world.alice.networkSubsystem.disconnect()
    await vi.waitFor(() => expect(page.findings("pruned-peer")).toHaveLength(1), { timeout: 3_000 })
    const [finding] = page.findings("pruned-peer")
    expect(finding!.peers.map(peer => peer.peerId)).toEqual(["alice"])
    expect(page.text("pruned-peer")[0]).toMatch(
      /^alice was pruned after (0\.[3-9]|[1-9]\.\d) s without a message: it left without a goodbye$/,
    )
    expect(page.findings("pruned-while-alive")).toEqual([])
  })

  it("names a peer pruned while alive: its heartbeats are slower than the receiver's TTL", async () => {
    const { world, page } = await bobsPage()
    // Alice stays quiet and beats every 600 ms; bob forgets a peer after 300 ms.
    world.presence(world.handles.alice, { cursor: 1 }, { heartbeatMs: 600 })
    const bob = world.presence(world.handles.bob, { cursor: 2 }, { heartbeatMs: 40, peerTtlMs: 300 })
    page.hook.register(bob)
    await vi.waitFor(() => expect(page.findings("pruned-while-alive")).toHaveLength(1), { timeout: 5_000 })
    const [finding] = page.findings("pruned-while-alive")
    expect(finding!.peers.map(peer => peer.peerId)).toEqual(["alice"])
    expect(page.text("pruned-while-alive")[0]).toMatch(
      /^alice was pruned, then heard again 0\.\d s later: its heartbeats come further apart than this page keeps a silent peer$/,
    )
  })
})

describe("loro-extended's store rules on a real automerge repo", () => {
  it("raise nothing on an automerge repo for two writes in one millisecond, which lose nothing there", async () => {
    const { world, page } = await bobsPage()
    const alice = world.presence(world.handles.alice, { cursor: 0 })
    const bob = world.presence(world.handles.bob, { cursor: 0 })
    page.hook.register(bob)
    // Presence sends every update as its own message: nothing is decided by timestamps.
    // Both writes in one millisecond: the clock held still between them.
    vi.useFakeTimers({ toFake: ["Date"] })
    vi.setSystemTime(Date.now())
    bob.broadcast("cursor", 1)
    bob.broadcast("cursor", 2)
    vi.useRealTimers()
    await vi.waitFor(() => expect(atBob(alice).bob?.value.cursor).toBe(2))
    page.sync()
    expect(page.findings().map(finding => finding.kind)).toEqual([])
  })
})
