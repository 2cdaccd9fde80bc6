/**
 * The Simulate view's own peers are not the app's traffic: added to alice's
 * page on real repos and left still for a minute of heartbeats, they raise
 * no finding in her panel (they send no heartbeat of their own), and their
 * removal, whose tombstones are stamped a minute ahead on purpose, reads as
 * no clock skew in her panel or in bob's.
 */
import { describe, expect, it } from "vitest"
import type { HookToPanelMessage, SimulatedPeerSpec } from "../../protocol/messages"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import { DOC_ID, advance, held, until } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

const still = (name: string): SimulatedPeerSpec => ({
  name,
  docId: DOC_ID,
  visibility: "network",
  namespaces: { presence: { value: { name, color: "gray" }, behaviour: { kind: "static" } } },
})

describe("simulated peers", () => {
  it("raise nothing in the page that simulates them, and their removal is no clock skew", async () => {
    const { hub, alice, bob } = await diagnostics.room("alice", "bob")
    const alicePage = diagnostics.observe(alice)
    const bobPage = diagnostics.observe(bob)
    await diagnostics.network.startHeartbeats([hub, alice, bob], 3_000)
    alicePage.toHook({ type: "simulate/add", requestId: "add", repoId: alicePage.repoId("alice"), peers: [still("sim-1"), still("sim-2")] })
    // The hook posts on its flush timer, which the controlled clock does not run: flush as the timer would.
    const simulated = () => {
      alicePage.hook.flush()
      return (
        alicePage.window
          .messages()
          .filter((message): message is Extract<HookToPanelMessage, { type: "simulate/state" }> => message.type === "simulate/state")
          .at(-1)?.peers ?? []
      )
    }
    await until(
      () => simulated().length === 2 && simulated().every(peer => held(bob, "presence", peer.id) !== undefined),
      "bob to see the simulated peers",
    )

    for (let second = 0; second < 60; second++) {
      await advance(1_000)
      alicePage.tick()
      bobPage.tick()
    }
    expect(alicePage.findings()).toEqual([])

    alicePage.toHook({ type: "simulate/remove-all", requestId: "remove", repoId: alicePage.repoId("alice") })
    await until(
      () => simulated().length === 0 && Object.keys(bob.room.getEphemeral("presence")!.getAllStates()).length === 2,
      "the peers to leave everywhere",
    )
    await advance(1_000)
    alicePage.tick()
    bobPage.tick()
    expect(alicePage.findings()).toEqual([])
    expect(bobPage.findings("clock-skew")).toEqual([])
  })
})
