/**
 * Real automerge-repo repos for the hook's tests: a sync server and two
 * clients (alice, bob), each client on its own MessageChannel to the server,
 * with the library's MessageChannelNetworkAdapter, so ephemeral messages
 * between the clients are relayed by the server as they are behind a
 * WebSocket sync server. `mesh()` adds a direct channel between the clients:
 * then every message of one reaches the other twice (directly and through
 * the server), and the second is dropped by session and count.
 */
import { type DocHandle, type PeerId, Presence, Repo } from "@automerge/automerge-repo"
import { MessageChannelNetworkAdapter } from "@automerge/automerge-repo-network-messagechannel"
import { vi } from "vitest"

export interface AutomergeWorld {
  server: Repo
  alice: Repo
  bob: Repo
  /** The same document in each repo, once `openDoc` resolved. */
  handles: { server: DocHandle<unknown>; alice: DocHandle<unknown>; bob: DocHandle<unknown> }
  /** Creates the document at alice and waits until bob and the server have it. */
  openDoc(): Promise<AutomergeWorld["handles"]>
  /** A direct channel between alice and bob. */
  mesh(): Promise<void>
  presence(
    handle: DocHandle<unknown>,
    initialState: Record<string, unknown>,
    options?: { heartbeatMs?: number; peerTtlMs?: number },
  ): Presence<Record<string, unknown>>
  dispose(): Promise<void>
}

export function createAutomergeWorld(): AutomergeWorld {
  const ports: MessagePort[] = []
  const channel = (): [MessageChannelNetworkAdapter, MessageChannelNetworkAdapter] => {
    const { port1, port2 } = new MessageChannel()
    ports.push(port1, port2)
    return [new MessageChannelNetworkAdapter(port1), new MessageChannelNetworkAdapter(port2)]
  }
  const [serverToAlice, aliceToServer] = channel()
  const [serverToBob, bobToServer] = channel()
  const server = new Repo({ peerId: "server" as PeerId, network: [serverToAlice, serverToBob] })
  const alice = new Repo({ peerId: "alice" as PeerId, network: [aliceToServer] })
  const bob = new Repo({ peerId: "bob" as PeerId, network: [bobToServer] })
  const presences: Presence<Record<string, unknown>>[] = []
  let handles: AutomergeWorld["handles"] | undefined
  return {
    server,
    alice,
    bob,
    get handles() {
      if (!handles) throw new Error("openDoc() first")
      return handles
    },
    async openDoc() {
      await vi.waitFor(() => {
        if (alice.peers.length === 0 || bob.peers.length === 0) throw new Error("waiting for both clients to reach the server")
      })
      const aliceHandle = alice.create<unknown>({ notes: [] })
      const bobHandle = await bob.find<unknown>(aliceHandle.url)
      const serverHandle = await server.find<unknown>(aliceHandle.url)
      handles = { server: serverHandle, alice: aliceHandle, bob: bobHandle }
      return handles
    },
    async mesh() {
      const [aliceToBob, bobToAlice] = channel()
      alice.networkSubsystem.addNetworkAdapter(aliceToBob)
      bob.networkSubsystem.addNetworkAdapter(bobToAlice)
      await vi.waitFor(() => {
        if (!alice.peers.includes("bob" as PeerId) || !bob.peers.includes("alice" as PeerId)) throw new Error("waiting for the mesh")
      })
    },
    presence(handle, initialState, options = {}) {
      const presence = new Presence<Record<string, unknown>>({ handle })
      presences.push(presence)
      presence.start({ initialState, ...options })
      return presence
    },
    async dispose() {
      for (const presence of presences) presence.stop()
      await Promise.all([server, alice, bob].map(repo => repo.shutdown()))
      for (const port of ports) port.close()
    },
  }
}
