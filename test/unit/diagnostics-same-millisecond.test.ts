/**
 * Two writes of one key in one millisecond, on real repos: a hub, alice and
 * bob, the real hook and the panel's reducer and detectors. The receivers
 * really keep the first write while alice holds the second; the panel says
 * so on the writer (at risk) and on a receiver (lost).
 */
import { describe, expect, it, vi } from "vitest"
import { diagnosticsRoomPerTest } from "../support/diagnostics-room"
import { DOC_ID, held, settle, until, type Peer } from "../support/presence-network"

const diagnostics = diagnosticsRoomPerTest()

async function room(): Promise<{ hub: Peer; alice: Peer; bob: Peer }> {
  const { hub, alice, bob } = await diagnostics.room("alice", "bob")
  alice.room.cursor.setSelf({ x: 0, y: 0 })
  await until(() => held(bob, "cursor", alice.peerId) !== undefined, "bob to see alice's cursor")
  return { hub, alice, bob }
}

/** Two writes in the same fake millisecond, the way a drag handler that sets twice does. */
async function burst(alice: Peer): Promise<void> {
  vi.setSystemTime(Date.now() + 1_000)
  alice.room.cursor.setSelf({ x: 10, y: 10 })
  alice.room.cursor.setSelf({ x: 20, y: 20 })
  await settle()
}

describe("same-millisecond writes", () => {
  it("reproduce the loss: alice holds the second write, the hub and bob keep the first", async () => {
    const { hub, alice, bob } = await room()
    await burst(alice)
    expect(held(alice, "cursor", alice.peerId)).toEqual({ x: 20, y: 20 })
    expect(held(hub, "cursor", alice.peerId)).toEqual({ x: 10, y: 10 })
    expect(held(bob, "cursor", alice.peerId)).toEqual({ x: 10, y: 10 })
  })

  it("puts the update at risk on the writer's panel, in plain words with the values", async () => {
    const { alice } = await room()
    const page = diagnostics.observe(alice)
    page.sync()
    expect(page.findings()).toEqual([])
    await burst(alice)
    const [finding] = page.findings("update-at-risk")
    expect(finding).toMatchObject({
      severity: "warning",
      repoLabel: "alice",
      docId: DOC_ID,
      namespace: "cursor",
      key: alice.peerId,
      peers: [{ peerId: alice.peerId, name: "alice" }],
    })
    expect(page.text("update-at-risk")).toEqual([
      "alice's cursor update is at risk: two writes in one millisecond; receivers keep the first",
    ])
    expect(finding!.details!.flat()).toContainEqual({ value: { x: 20, y: 20 } })
    expect(finding!.details!.flat()).toContainEqual({ value: { x: 10, y: 10 } })
    expect(finding!.evidence.map(evidence => evidence.kind)).toEqual(["event", "key"])
  })

  it("confirms the loss on a receiver's panel: bob refused alice's second write", async () => {
    const { alice, bob } = await room()
    const page = diagnostics.observe(bob)
    page.sync()
    await burst(alice)
    await until(() => page.findings("lost-update").length > 0, "the lost update at bob")
    const [finding] = page.findings("lost-update")
    expect(finding).toMatchObject({ severity: "error", repoLabel: "bob", namespace: "cursor", key: alice.peerId })
    expect(page.text("lost-update")).toEqual(["alice's cursor update was lost: two writes in one millisecond, receivers kept the first"])
    expect(finding!.details!.flat()).toEqual(expect.arrayContaining([{ value: { x: 10, y: 10 } }, { value: { x: 20, y: 20 } }]))
    // The writer's panel is not on this page: only bob's own finding.
    expect(page.findings().map(f => f.kind)).toEqual(["lost-update"])
  })

  it("sees both sides when one page holds the writer and a receiver", async () => {
    const { alice, bob } = await room()
    const page = diagnostics.observe(alice, bob)
    page.sync()
    await burst(alice)
    await until(() => page.findings("lost-update").length > 0, "the lost update")
    expect(
      page
        .findings()
        .map(f => `${f.kind} at ${f.repoLabel}`)
        .sort(),
    ).toEqual(["lost-update at bob", "update-at-risk at alice"])
  })

  it("says nothing for writes a millisecond apart", async () => {
    const { alice, bob } = await room()
    const page = diagnostics.observe(alice, bob)
    page.sync()
    for (let step = 1; step <= 20; step++) {
      vi.setSystemTime(Date.now() + 1)
      alice.room.cursor.setSelf({ x: step, y: step })
    }
    await until(() => (held(bob, "cursor", alice.peerId) as { x: number }).x === 20, "bob to see the last write")
    expect(page.findings()).toEqual([])
  })
})
