/**
 * A relay's re-stamp overwriting the owner's newer value, on real repos:
 * alice writes while her frame to the hub is still on its way; the hub's
 * heartbeat re-stamps its older copy of alice's key and sends it back; alice
 * imports it and her own cursor steps back. Her panel names the hub, the
 * channel and the value that was replaced.
 */
import { describe, expect, it } from "vitest"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import { HEARTBEAT_MS, advance, held, until, type Peer } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

async function world(): Promise<{ hub: Peer; alice: Peer; bob: Peer }> {
  const { hub, alice, bob } = await diagnostics.room("alice", "bob")
  alice.room.cursor.setSelf({ x: 1, y: 1 })
  await until(() => held(bob, "cursor", alice.peerId) !== undefined, "bob to see alice")
  // The hub's heartbeat runs 5 s ahead of the spokes'.
  await diagnostics.network.startHeartbeats([hub, alice, bob], 5_000)
  return { hub, alice, bob }
}

/** Alice's newer write is still on its way to the hub when the hub's heartbeat fires. */
async function restampRace(hub: Peer, alice: Peer): Promise<void> {
  const release = diagnostics.network.hold(alice, hub)
  await advance(1)
  alice.room.cursor.setSelf({ x: 2, y: 2 })
  // Both heartbeats fire within one interval; alice's frames stay held.
  await advance(HEARTBEAT_MS)
  await release()
}

describe("own key overwritten by an import", () => {
  it("reproduces the step back: the hub's re-stamped copy wins over alice's newer write", async () => {
    const { hub, alice, bob } = await world()
    await restampRace(hub, alice)
    expect(held(alice, "cursor", alice.peerId)).toEqual({ x: 1, y: 1 })
    expect(held(hub, "cursor", alice.peerId)).toEqual({ x: 1, y: 1 })
    expect(held(bob, "cursor", alice.peerId)).toEqual({ x: 1, y: 1 })
  })

  it("names the re-stamping hub, the channel and the value it replaced", async () => {
    const { hub, alice } = await world()
    const page = diagnostics.observe(alice)
    page.sync()
    expect(page.findings()).toEqual([])
    await restampRace(hub, alice)
    const [finding] = page.findings("own-key-overwritten")
    expect(finding).toMatchObject({ severity: "error", repoLabel: "alice", namespace: "cursor", key: alice.peerId })
    expect(page.text("own-key-overwritten")).toEqual([
      "alice's own cursor was overwritten by an import: hub's re-stamped copy replaced a newer value",
    ])
    const channelId = [...alice.repo.synchronizer.model.channels.keys()][0]!
    const details = finding!.details!.flat()
    expect(details).toEqual(
      expect.arrayContaining([
        { value: { x: 1, y: 1 } },
        { value: { x: 2, y: 2 } },
        `channel #${channelId}`,
        { peer: { peerId: hub.peerId, name: "hub" } },
      ]),
    )
    // The replaced value is the newer one: {x: 2} was written before {x: 1} came back.
    const values = details.flatMap(part => (typeof part === "object" && "value" in part ? [part.value] : []))
    expect(values).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 2 },
    ])
    expect(finding!.peers.map(peer => peer.name)).toEqual(["alice", "hub"])
  })

  it("says nothing when imports only re-stamp alice's key with her own value", async () => {
    const { alice, bob } = await world()
    const page = diagnostics.observe(alice, bob)
    for (let round = 0; round < 4; round++) {
      await advance(HEARTBEAT_MS)
      // Not in the millisecond of a heartbeat: that would be a tie, another finding.
      await advance(1)
      alice.room.cursor.setSelf({ x: 10 + round, y: 0 })
    }
    await until(() => (held(bob, "cursor", alice.peerId) as { x: number }).x === 13, "bob to follow")
    expect(page.findings()).toEqual([])
  })
})
