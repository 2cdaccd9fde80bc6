/**
 * Heartbeat amplification on real repos: each 5.4.2 heartbeat re-stamps the
 * keys of a store one by one and re-broadcasts the whole namespace for each,
 * so the entries a heartbeat sends grow with the square of the room. The
 * panel counts messages and entries per heartbeat and channel, and says so
 * when they grow faster than keys x channels, or pass the ceiling.
 */
import { describe, expect, it } from "vitest"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import { HEARTBEAT_MS, advance, held, until, type Peer } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

async function arrive(hub: Peer, spoke: Peer, others: readonly Peer[]): Promise<void> {
  await diagnostics.network.link(hub, spoke)
  diagnostics.network.join(spoke)
  spoke.repo.synchronizer.startHeartbeat()
  for (const other of others) await until(() => held(other, "presence", spoke.peerId) !== undefined, `${other.name} to see ${spoke.name}`)
}

describe("heartbeat amplification", () => {
  it("flags a spoke whose heartbeat traffic grows faster than its room", async () => {
    const { network } = diagnostics
    const hub = network.peer("hub", "service")
    const [alice, bob, carol] = ["alice", "bob", "carol"].map(name => network.peer(name)) as [Peer, Peer, Peer]
    hub.repo.synchronizer.startHeartbeat()
    await arrive(hub, alice, [])
    const page = diagnostics.observe(alice)
    await advance(HEARTBEAT_MS)
    page.sync()
    await arrive(hub, bob, [alice])
    await advance(HEARTBEAT_MS)
    page.sync()
    // Two keys per namespace instead of one, and three times the entries.
    expect(page.text("amplification")).toEqual([
      "alice's heartbeat sent 12 entries in 7 messages for 4 keys on 1 channel: 3.0× what one copy of each key needs",
    ])
    await arrive(hub, carol, [alice, bob])
    await advance(HEARTBEAT_MS)
    page.sync()

    const rounds = page.diagnostics.rounds(page.repoId("alice"))
    // Two namespaces (presence, typing); alice holds 1, 2, then 3 keys in each.
    expect(rounds.map(round => round.keys)).toEqual([2, 4, 6])
    // 5.4.2: per namespace of k keys, the heartbeat's own broadcast plus one per re-stamped key: (1 + k) x k entries,
    // in 1 + k messages per namespace, and one more for the empty cursor store.
    expect(rounds.map(round => round.entries)).toEqual([4, 12, 24])
    expect(rounds.map(round => round.messages)).toEqual([5, 7, 9])
    const [finding] = page.findings("amplification")
    expect(finding).toMatchObject({ severity: "warning", repoLabel: "alice", count: 2 })
    expect(page.text("amplification")).toEqual([
      "alice's heartbeat sent 24 entries in 9 messages for 6 keys on 1 channel: 4.0× what one copy of each key needs",
    ])
    expect(finding!.details!.flat().join("")).toContain(
      "Keys × channels grew from 4 to 6 (×1.5) while entries per heartbeat grew from 12 to 24 (×2.0): faster than the room.",
    )
  })

  it("flags a hub past the ceiling without watching the room grow", async () => {
    const { network } = diagnostics
    const hub = network.peer("hub", "service")
    const spokes = ["alice", "bob", "carol"].map(name => network.peer(name))
    for (const spoke of spokes) await arrive(hub, spoke, [])
    await until(() => spokes.every(spoke => held(hub, "presence", spoke.peerId) !== undefined), "the hub to hold everyone")
    const page = diagnostics.observe(hub)
    // Its heartbeat half an interval away from the spokes'.
    await advance(HEARTBEAT_MS / 2)
    hub.repo.synchronizer.startHeartbeat()
    await advance(HEARTBEAT_MS)
    // Nothing arrives after the hub's heartbeat: the panel's next tick closes the round.
    await advance(1_000)
    page.tick()
    const [round] = page.diagnostics.rounds(page.repoId("hub"))
    // Six keys (3 spokes x presence, typing) on three channels. The hub's heartbeat is one
    // broadcast batch per channel, and each touches every store: 3 x 6 re-stamps, each
    // re-broadcasting its namespace of 3 keys to all 3 channels, plus the batch's own 6.
    expect(round).toMatchObject({ keys: 6, entries: 180 })
    // Messages: those 2 + 18, and the empty cursor store's.
    expect([...round!.channels.values()]).toEqual([
      { messages: 21, entries: 60 },
      { messages: 21, entries: 60 },
      { messages: 21, entries: 60 },
    ])
    expect(page.text("amplification")).toEqual([
      "hub's heartbeat sent 180 entries in 63 messages for 6 keys on 3 channels: 10.0× what one copy of each key needs",
    ])
    expect(page.findings("amplification")[0]!.details!.flat().join("")).toContain(
      "That is 10.0 copies of each key per channel, more than the 8 allowed.",
    )
  })
})
