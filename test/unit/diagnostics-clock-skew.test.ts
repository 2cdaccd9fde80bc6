/**
 * Clock skew on real repos: bob's clock runs a minute ahead when he writes
 * (the fake clock is moved for his write only), and alice's panel, whose
 * clock is right, sees his stamps arrive from the future. The hub, which
 * re-stamps what it holds, is not blamed for bob's stamps.
 */
import { describe, expect, it, vi } from "vitest"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import type { ObservedPage } from "../support/observed-page"
import { advance, held, until, type Peer } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

/** Alice sees bob, and her page is up to date. */
async function room(): Promise<{ hub: Peer; alice: Peer; bob: Peer; page: ObservedPage }> {
  const { hub, alice, bob } = await diagnostics.room("alice", "bob")
  await until(() => held(alice, "presence", bob.peerId) !== undefined, "alice to see bob")
  const page = diagnostics.observe(alice)
  page.sync()
  return { hub, alice, bob, page }
}

/** Bob writes with his clock `aheadMs` ahead of everyone's. */
function writeAhead(bob: Peer, aheadMs: number, x: number): void {
  const now = Date.now()
  vi.setSystemTime(now + aheadMs)
  bob.room.cursor.setSelf({ x, y: 0 })
  vi.setSystemTime(now)
}

describe("clock skew", () => {
  it("says whose clock runs ahead, and by how much", async () => {
    const { alice, bob, page } = await room()
    await advance(1_000)
    writeAhead(bob, 60_000, 1)
    await until(() => held(alice, "cursor", bob.peerId) !== undefined, "alice to get bob's cursor")
    const [finding] = page.findings("clock-skew")
    expect(finding).toMatchObject({ severity: "warning", repoLabel: "alice", peers: [{ peerId: bob.peerId, name: "bob" }] })
    expect(page.text("clock-skew")).toEqual(["bob's clock runs about 60 s ahead of this page's"])
    expect(page.findings().map(f => f.kind)).toEqual(["clock-skew"])
  })

  it("stays quiet about a clock within the tolerance", async () => {
    const { alice, bob, page } = await room()
    await advance(1_000)
    writeAhead(bob, 800, 1)
    await until(() => held(alice, "cursor", bob.peerId) !== undefined, "alice to get bob's cursor")
    expect(page.findings()).toEqual([])
  })

  it("blames the hub when its re-stamp of everyone's keys is ahead", async () => {
    const { hub, alice, page } = await room()
    await advance(1_000)
    // The hub's heartbeat re-stamps bob's and alice's keys with its clock, 30 s ahead;
    // its frames reach alice when her clock says it is 10 s later.
    const release = diagnostics.network.hold(hub, alice)
    const now = Date.now()
    vi.setSystemTime(now + 30_000)
    hub.repo.synchronizer.startHeartbeat()
    await vi.advanceTimersByTimeAsync(10_000)
    hub.repo.synchronizer.stopHeartbeat()
    vi.setSystemTime(now + 10_000)
    await release()
    expect(page.text("clock-skew")).toEqual(["hub's clock runs about 30 s ahead of this page's"])
    // Re-stamped with the same values: alice's own key was not overwritten.
    expect(page.findings().map(f => f.kind)).toEqual(["clock-skew"])
    expect(held(alice, "presence", alice.peerId)).toEqual({ name: "alice", color: "teal" })
  })
})
