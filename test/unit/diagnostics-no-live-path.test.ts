/**
 * Ghosts on real repos: alice, bob and carol behind a hub. When the hub goes
 * away, 5.4.2 keeps bob's and carol's presence at alice forever; when the hub
 * goes silent without closing, too. Alice's panel says they have no live
 * path, since when and through which channel, marks their keys stale, and
 * takes it back when they are heard again.
 */
import { describe, expect, it } from "vitest"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import type { ObservedPage } from "../support/observed-page"
import { HEARTBEAT_MS, advance, held, settle, until, type Peer } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

/** Alice's page, which `seconds` ticks; each test's room() opens a new one. */
let page: ObservedPage | undefined

async function room(): Promise<{ hub: Peer; alice: Peer; bob: Peer; carol: Peer }> {
  const { hub, alice, bob, carol } = await diagnostics.room("alice", "bob", "carol")
  await until(
    () => held(alice, "presence", bob.peerId) !== undefined && held(alice, "presence", carol.peerId) !== undefined,
    "alice to see bob and carol",
  )
  page = diagnostics.observe(alice)
  await diagnostics.network.startHeartbeats([hub, alice, bob, carol], 2_500)
  // A minute of a healthy room first: nothing reads as a ghost.
  await seconds(60)
  expect(page.findings()).toEqual([])
  return { hub, alice, bob, carol }
}

describe("no live path", () => {
  it("names the peers behind a hub whose channel closed, at once", async () => {
    const { hub, alice, bob, carol } = await room()
    const closedAt = Date.now()
    for (const spoke of [alice, bob, carol]) await diagnostics.network.unlink(hub, spoke)
    await settle()
    // The failure: 5.4.2 keeps them.
    expect(held(alice, "presence", bob.peerId)).toEqual({ name: "bob", color: "teal" })
    expect(held(alice, "presence", carol.peerId)).toEqual({ name: "carol", color: "teal" })
    page!.tick()
    expect(page!.text("no-live-path").sort()).toEqual([
      `bob has no live path since ${clock(closedAt)}, but its presence is still held`,
      `carol has no live path since ${clock(closedAt)}, but its presence is still held`,
    ])
    const repoId = page!.repoId("alice")
    expect(page!.diagnostics.noPath(repoId, bob.peerId)).toMatchObject({ reason: "channel-gone", since: closedAt, relay: hub.peerId })
    expect(page!.diagnostics.isStale(repoId, bob.peerId, Date.now())).toBe(true)
    expect(page!.diagnostics.isStale(repoId, alice.peerId, Date.now())).toBe(false)
    const [finding] = page!.findings("no-live-path")
    expect(finding!.details!.flat()).toEqual(expect.arrayContaining([{ peer: { peerId: hub.peerId, name: "hub" } }]))
    expect(finding!.evidence[0]).toMatchObject({ kind: "event", repoId })
    // The panel subscribes again (a restarted service worker): the repo re-announces itself, and
    // its ghosts are the same ones, not new occurrences.
    page!.toHook({ type: "panel/subscribe" })
    await seconds(2)
    expect(page!.findings("no-live-path").map(ghost => [ghost.count, ghost.endedAt])).toEqual([
      [1, undefined],
      [1, undefined],
    ])
    expect(page!.diagnostics.noPath(repoId, bob.peerId)).toMatchObject({ reason: "channel-gone", since: closedAt })
  })

  it("names them after two silent heartbeats when the hub stops sending without closing", async () => {
    const { hub, alice, carol } = await room()
    const releases = [diagnostics.network.hold(hub, alice), diagnostics.network.hold(alice, hub)]
    const silentFrom = Date.now()
    // Each was last heard within the heartbeat before the silence: none is a
    // ghost until two heartbeats after that, all are a second later.
    await seconds(10)
    expect(page!.findings("no-live-path")).toEqual([])
    await seconds(11)
    const ghosts = page!.findings("no-live-path")
    expect(ghosts.map(f => f.peers[0]!.name).sort()).toEqual(["bob", "carol"])
    const repoId = page!.repoId("alice")
    const lost = page!.diagnostics.noPath(repoId, carol.peerId)!
    expect(lost.reason).toBe("silent")
    // Carol was last heard at her last heartbeat through the hub, before the silence.
    expect(lost.since).toBeLessThanOrEqual(silentFrom)
    expect(lost.since).toBeGreaterThan(silentFrom - HEARTBEAT_MS)
    expect(held(alice, "presence", carol.peerId)).toBeDefined()

    // The hub speaks again: carol and bob are heard on their next heartbeats.
    for (const release of releases) await release()
    await seconds(11)
    expect(page!.diagnostics.noPath(repoId, carol.peerId)).toBeUndefined()
    expect(page!.findings("no-live-path").every(finding => finding.endedAt !== undefined)).toBe(true)
  })

  it("waits for the configured number of silent heartbeats", async () => {
    const { hub, alice } = await room()
    page!.diagnostics.configure({ silentHeartbeats: 4 })
    diagnostics.network.hold(hub, alice)
    await seconds(30)
    expect(page!.findings("no-live-path")).toEqual([])
    await seconds(11)
    expect(page!.findings("no-live-path")).toHaveLength(2)
  })
})

/** Fake seconds pass, the panel ticking each second as it does. */
async function seconds(count: number): Promise<void> {
  for (let second = 0; second < count; second++) {
    await advance(1_000)
    page!.tick()
  }
}

function clock(t: number): string {
  const date = new Date(t)
  const pad = (value: number, width = 2) => String(value).padStart(width, "0")
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}
