/**
 * How the hook watches an EphemeralStore without subscribing to it: the
 * wrapped mutators report each call with the bytes it had (never reading
 * the store back), and the panel's intake turns them into what changed, by
 * the store's rules: a call that changed nothing (a stale frame the store
 * refused, the same frame twice) reports nothing, as loro's own change
 * events would. Real loro-crdt stores throughout.
 */
import { EphemeralStore } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { bytesToHex } from "../../codec/hex"
import { StoreIntake } from "../../codec/event-tape/store-intake"
import { instrumentStore, type StoreOp } from "../../injected/sources/loro-extended/store-instrument"
import type { EphemeralStoreLike } from "../../injected/sources/loro-extended/repo-shape"

type Reported = { by: string; entries: Array<{ key: string; value?: unknown; deleted: boolean; timestamp?: number }> }

function watched(store: EphemeralStore) {
  const intake = new StoreIntake()
  const seen: Reported[] = []
  const errors: unknown[] = []
  let id = 0
  const restore = instrumentStore(
    store as unknown as EphemeralStoreLike,
    (change: StoreOp) => {
      // What the tap writes for the call, as the panel's intake takes it.
      const event = intake.take({
        id: ++id,
        repoId: "repo",
        t: Date.now(),
        kind: "store-op",
        docId: "doc",
        namespace: "ns",
        op: change.op,
        bytes: change.op === "expire" ? "" : bytesToHex(change.bytes),
        removed: change.op === "expire" ? change.removed : null,
        timeout: (store as unknown as { timeout: number }).timeout,
        oversized: [],
      })
      if (event?.kind === "store") seen.push({ by: event.by, entries: event.entries })
    },
    error => errors.push(error),
  )
  return { seen, errors, restore }
}

/** Bytes for `key` written by another store at a chosen timestamp (loro stamps with the writer's clock). */
async function frameFrom(key: string, value: unknown): Promise<{ bytes: Uint8Array; timestamp: number }> {
  const writer = new EphemeralStore(60_000)
  writer.set(key, value as never)
  const bytes = writer.encode(key)
  const { decodeEphemeralStore } = await import("../../codec/loro-ephemeral/ephemeral-codec")
  return { bytes, timestamp: decodeEphemeralStore(bytes)[0]!.timestamp }
}

describe("a watched EphemeralStore", () => {
  it("reports local writes with the store's own timestamp, and imports that won", async () => {
    const store = new EphemeralStore(60_000)
    const { seen, errors } = watched(store)
    store.set("alice", { x: 1 })
    const older = await frameFrom("bob", { x: 0 })
    await new Promise(resolve => setTimeout(resolve, 5))
    const newer = await frameFrom("bob", { x: 9 })
    store.apply(newer.bytes)
    expect(errors).toEqual([])
    expect(seen).toEqual([
      { by: "local", entries: [expect.objectContaining({ key: "alice", value: { x: 1 }, deleted: false, timestamp: expect.any(Number) })] },
      { by: "import", entries: [expect.objectContaining({ key: "bob", value: { x: 9 }, deleted: false, timestamp: newer.timestamp })] },
    ])
    // A stale frame the store refuses (older timestamp) is not a change.
    store.apply(older.bytes)
    expect(store.get("bob")).toEqual({ x: 9 })
    expect(seen).toHaveLength(2)
  })

  it("reports a delete as a tombstone, touch() as every key re-stamped, and nothing for a repeated frame", async () => {
    const store = new EphemeralStore(60_000)
    const { seen } = watched(store)
    const frame = await frameFrom("bob", { y: 1 })
    store.apply(frame.bytes)
    store.apply(frame.bytes)
    expect(seen.map(change => change.by)).toEqual(["import"])
    store.set("alice", { y: 2 })
    store.delete("alice")
    expect(seen[2]).toEqual({ by: "local", entries: [expect.objectContaining({ key: "alice", deleted: true })] })
    expect(seen[2]!.entries[0]).not.toHaveProperty("value")
  })

  it("restores the store's own methods exactly", () => {
    const store = new EphemeralStore(60_000)
    const prototype = Object.getPrototypeOf(store) as Record<string, unknown>
    const { restore, seen } = watched(store)
    expect(Object.hasOwn(store, "set")).toBe(true)
    restore()
    for (const method of ["set", "delete", "apply"]) {
      expect(Object.hasOwn(store, method), method).toBe(false)
      expect((store as unknown as Record<string, unknown>)[method]).toBe(prototype[method])
    }
    store.set("alice", { x: 1 })
    expect(seen).toEqual([])
  })

  it("never lets its own failure reach the caller", () => {
    const store = new EphemeralStore(60_000)
    const errors: unknown[] = []
    instrumentStore(
      store as unknown as EphemeralStoreLike,
      () => {
        throw new Error("observer bug")
      },
      error => errors.push(error),
    )
    expect(() => store.set("alice", { x: 1 })).not.toThrow()
    expect(store.get("alice")).toEqual({ x: 1 })
    expect(errors).toHaveLength(1)
  })
})
