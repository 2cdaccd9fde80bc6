/**
 * A healthy session raises nothing: three peers behind a hub for 60 s of
 * heartbeats, cursors moving and typing toggling, each peer in its own tab
 * with its own panel (the hub is a server no panel watches). The detectors
 * are shown to be awake: they counted every heartbeat round and heard every
 * other peer.
 */
import { describe, expect, it } from "vitest"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import { advance, held, until } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

describe("a healthy session", () => {
  it("of three peers for 60 s produces no finding", async () => {
    const { hub, alice, bob, carol } = await diagnostics.room("alice", "bob", "carol")
    const spokes = [alice, bob, carol]
    await until(() => spokes.every(a => spokes.every(b => held(a, "presence", b.peerId) !== undefined)), "everyone to see everyone")
    const pages = spokes.map(spoke => diagnostics.observe(spoke))
    await diagnostics.network.startHeartbeats([hub, ...spokes], 2_500)

    const start = Date.now()
    for (let step = 0; Date.now() - start < 60_000; step++) {
      // Each peer moves every 250 ms, at its own millisecond.
      for (const [index, spoke] of spokes.entries()) {
        await advance(80 + index)
        spoke.room.cursor.setSelf({ x: step, y: index })
        if (step % 20 === index) spoke.room.typing.setSelf({ typing: step % 40 < 20 })
      }
      if (step % 4 === 0) for (const page of pages) page.tick()
    }
    await until(() => spokes.every(a => spokes.every(b => held(a, "cursor", b.peerId) !== undefined)), "everyone's cursor everywhere")

    for (const [index, page] of pages.entries()) {
      page.tick()
      expect(page.findings(), spokes[index]!.name).toEqual([])
      const repoId = page.repoId(spokes[index]!.name)
      expect(page.diagnostics.rounds(repoId).length).toBeGreaterThanOrEqual(5)
      for (const other of spokes) {
        if (other === spokes[index]) continue
        expect(page.diagnostics.heardVia(repoId, other.peerId)).toMatchObject({ relay: hub.peerId })
        expect(page.diagnostics.noPath(repoId, other.peerId)).toBeUndefined()
      }
    }
  })
})
