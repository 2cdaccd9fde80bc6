/**
 * The room the Simulate tests run in, on real repos: a hub (a service)
 * joined over the library's in-memory Bridge to spoke A (alice, whose page
 * runs the hook in those tests) and spoke B (bob, a second page that sees
 * what A's network sends). Both have opened the demo's lobby, set their
 * presence and synced the room document.
 */
import { Bridge, BridgeAdapter, Repo } from "@loro-extended/repo"
import { openRoom, type RoomHandle } from "../../demo/shared/room"

export interface BridgedLobby {
  hub: Repo
  a: Repo
  b: Repo
  roomA: RoomHandle
  roomB: RoomHandle
  /** Stops every repo's heartbeat and resets it: run after the hook that watches A is disposed. */
  stop(): void
}

export async function bridgedLobby(): Promise<BridgedLobby> {
  const toA = new Bridge()
  const toB = new Bridge()
  const hub = new Repo({
    identity: { name: "hub", type: "service" },
    adapters: [new BridgeAdapter({ bridge: toA, adapterType: "hub-a" }), new BridgeAdapter({ bridge: toB, adapterType: "hub-b" })],
  })
  const a = new Repo({ identity: { name: "alice" }, adapters: [new BridgeAdapter({ bridge: toA, adapterType: "spoke-a" })] })
  const b = new Repo({ identity: { name: "bob" }, adapters: [new BridgeAdapter({ bridge: toB, adapterType: "spoke-b" })] })
  const stop = () => {
    for (const repo of [hub, a, b]) {
      repo.synchronizer.stopHeartbeat()
      repo.reset()
    }
  }
  const roomA = openRoom(a, "lobby")
  const roomB = openRoom(b, "lobby")
  roomA.presence.setSelf({ name: "alice", color: "#f00" })
  roomB.presence.setSelf({ name: "bob", color: "#00f" })
  try {
    await Promise.all([roomA.waitForSync({ timeout: 5000 }), roomB.waitForSync({ timeout: 5000 })])
  } catch (error) {
    stop()
    throw error
  }
  return { hub, a, b, roomA, roomB, stop }
}
