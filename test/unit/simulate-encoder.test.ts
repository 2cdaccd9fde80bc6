import { EphemeralStore, type Value } from "loro-crdt"
import { afterEach, describe, expect, it } from "vitest"
import { decodeEphemeralStore } from "../../codec/loro-ephemeral/ephemeral-codec"
import {
  type EncodableValue,
  encodeEphemeralEntries,
  encodeEphemeralEntry,
  joinEncodedEntries,
} from "../../codec/loro-ephemeral/ephemeral-encoder"
import { EphemeralKeyStripper, stripEphemeralData } from "../../injected/simulate/outbound-filter"

/** A long timeout, like the repo's own stores, so nothing we apply counts as expired. */
const stores: EphemeralStore[] = []
function store(): EphemeralStore {
  const created = new EphemeralStore(2_147_483_647)
  stores.push(created)
  return created
}
afterEach(() => {
  for (const created of stores.splice(0)) created.destroy()
})

/** What loro-crdt itself writes for `key = value`, and the timestamp it used. */
function loroEncoding(key: string, value: EncodableValue): { bytes: Uint8Array; timestamp: number } {
  const reference = store()
  reference.set(key, value as Value)
  const bytes = reference.encode(key)
  return { bytes, timestamp: decodeEphemeralStore(bytes)[0]!.timestamp }
}

describe("ephemeral encoder against loro-crdt's EphemeralStore", () => {
  const byteIdentical: Array<[string, EncodableValue]> = [
    ["null", null],
    ["true", true],
    ["false", false],
    ["small int", 1],
    ["negative int", -3],
    ["zero", 0],
    ["negative zero", -0],
    ["double", 1.5],
    ["tenth", 0.1],
    ["2^31", 2 ** 31],
    ["2^53", 2 ** 53],
    ["-2^53", -(2 ** 53)],
    ["2^62", 2 ** 62],
    ["2^63 saturates", 2 ** 63],
    ["-2^63", -(2 ** 63)],
    ["2^64 is a double", 2 ** 64],
    ["1e20 is a double", 1e20],
    ["1e300", 1e300],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["empty string", ""],
    ["ascii", "hello"],
    ["unicode", "é😀 ünïcødé"],
    ["long string", "x".repeat(300)],
    ["list", [1, "x", null, true, 2.5]],
    ["nested list", [[1], [[2, 3]], []]],
    ["empty map", {}],
    ["single-key map", { typing: true }],
    ["binary", new Uint8Array([0, 1, 2, 255])],
  ]

  it.each(byteIdentical)("writes %s byte for byte as loro does", (_label, value) => {
    const key = "12345678901234567890"
    const { bytes, timestamp } = loroEncoding(key, value)
    expect(encodeEphemeralEntries([{ key, timestamp, value }])).toEqual(bytes)
  })

  it("writes a tombstone byte for byte as store.delete does", () => {
    const reference = store()
    reference.set("42", { x: 1 })
    reference.delete("42")
    const bytes = reference.encode("42")
    const { timestamp } = decodeEphemeralStore(bytes)[0]!
    expect(encodeEphemeralEntries([{ key: "42", timestamp, deleted: true }])).toEqual(bytes)
  })

  it("writes multi-key maps that loro applies to the same value (loro's own key order is hash order)", () => {
    const value = { name: "Ada", color: "#ff0066", x: 10, y: 20.25, nested: { list: [1, { deep: "yes" }] } }
    const timestamp = Date.now()
    const target = store()
    target.apply(encodeEphemeralEntries([{ key: "7", timestamp, value }]))
    expect(target.getAllStates()).toEqual({ "7": value })
    const roundTrip = decodeEphemeralStore(target.encode("7"))[0]!
    expect(roundTrip.timestamp).toBe(timestamp)
    expect(roundTrip.value).toEqual(value)
  })

  it("writes many entries that loro applies as a whole, keeping each timestamp", () => {
    // Ahead of the clock: the local write of "3" below must be older than its tombstone even when
    // the machine is slow enough for milliseconds to pass between the two.
    const base = Date.now() + 1_000
    const entries = [
      { key: "1", timestamp: base, value: { x: 1, y: 2 } },
      { key: "2", timestamp: base + 1, value: "two" },
      { key: "3", timestamp: base + 2, deleted: true as const },
    ]
    const target = store()
    target.set("3", "about to be deleted")
    target.apply(encodeEphemeralEntries(entries))
    expect(target.getAllStates()).toEqual({ "1": { x: 1, y: 2 }, "2": "two" })
    const decoded = decodeEphemeralStore(target.encodeAll())
    const byKey = new Map(decoded.map(entry => [entry.key, entry]))
    expect(byKey.get("1")?.timestamp).toBe(base)
    expect(byKey.get("2")?.timestamp).toBe(base + 1)
    expect(byKey.get("3")).toMatchObject({ deleted: true, timestamp: base + 2 })
  })

  it("obeys last-writer-wins: an equal timestamp loses, a newer one wins", () => {
    const timestamp = Date.now() + 1000
    const target = store()
    target.apply(encodeEphemeralEntries([{ key: "9", timestamp, value: 1 }]))
    target.apply(encodeEphemeralEntries([{ key: "9", timestamp, value: 2 }]))
    expect(target.get("9")).toBe(1)
    target.apply(encodeEphemeralEntries([{ key: "9", timestamp: timestamp + 1, value: 3 }]))
    expect(target.get("9")).toBe(3)
  })

  it("encodes an empty payload as loro does", () => {
    expect(encodeEphemeralEntries([])).toEqual(store().encodeAll())
  })

  it("joins already-encoded entries back into a payload byte for byte", () => {
    const entries = [
      { key: "1", timestamp: 1_700_000_000_000, value: { x: 1 } },
      { key: "2", timestamp: 1_700_000_000_001, value: [true] },
    ]
    expect(joinEncodedEntries(entries.map(encodeEphemeralEntry))).toEqual(encodeEphemeralEntries(entries))
  })
})

describe("stripping hidden keys from outbound ephemeral data", () => {
  it("keeps other entries byte for byte and returns the same array when nothing is hidden", () => {
    const reference = store()
    reference.set("100", { name: "real" })
    reference.set("200", { name: "simulated" })
    reference.set("300", { name: "also real" })
    const data = reference.encodeAll()
    const hidden = new Set(["200"])
    const stripped = stripEphemeralData(
      data,
      key => hidden.has(key),
      () => hidden,
    )
    const target = store()
    target.apply(stripped!)
    expect(target.getAllStates()).toEqual({ "100": { name: "real" }, "300": { name: "also real" } })
    const nothingHidden = stripEphemeralData(
      data,
      () => false,
      () => [],
    )
    expect(nothingHidden).toBe(data)
    expect(
      stripEphemeralData(
        data,
        () => true,
        () => ["100", "200", "300"],
      ),
    ).toBeUndefined()
  })

  it("drops undecodable data only when a hidden key's bytes occur in it", () => {
    const garbage = new TextEncoder().encode("\u0005not postcard 555")
    expect(
      stripEphemeralData(
        garbage,
        () => false,
        () => ["999"],
      ),
    ).toBe(garbage)
    expect(
      stripEphemeralData(
        garbage,
        () => false,
        () => ["555"],
      ),
    ).toBeUndefined()
  })

  it("copies messages instead of changing them, inside batches and sync messages too", () => {
    const timestamp = Date.now()
    const data = encodeEphemeralEntries([
      { key: "1", timestamp, value: "real" },
      { key: "2", timestamp, value: "simulated" },
    ])
    const onlyHidden = encodeEphemeralEntries([{ key: "2", timestamp, value: "simulated" }])
    const stripper = new EphemeralKeyStripper(
      key => key === "2",
      () => ["2"],
    )
    const frame = {
      type: "channel/ephemeral" as const,
      docId: "room:lobby",
      hopsRemaining: 1,
      stores: [
        { peerId: "5" as const, namespace: "presence", data },
        { peerId: "5" as const, namespace: "cursor", data: onlyHidden },
      ],
    }
    const frozen = structuredClone(frame)
    const filtered = stripper.message(frame)
    expect(frame).toEqual(frozen)
    expect(filtered).not.toBe(frame)
    expect(filtered?.type === "channel/ephemeral" && filtered.stores.map(s => s.namespace)).toEqual(["presence"])

    const response = {
      type: "channel/sync-response" as const,
      docId: "room:lobby",
      transmission: { type: "unavailable" as const },
      ephemeral: [{ peerId: "5" as const, namespace: "cursor", data: onlyHidden }],
    }
    const batch = { type: "channel/batch" as const, messages: [response, frame] }
    const filteredBatch = stripper.message(batch)
    expect(filteredBatch?.type).toBe("channel/batch")
    const [syncResponse] = filteredBatch?.type === "channel/batch" ? filteredBatch.messages : []
    // The document part still goes out; only the ephemeral field is gone.
    expect(syncResponse).toEqual({ type: "channel/sync-response", docId: "room:lobby", transmission: { type: "unavailable" } })
    expect(response.ephemeral).toHaveLength(1)
    const onlyHiddenFrame = { ...frame, stores: [frame.stores[1]!] }
    expect(stripper.message(onlyHiddenFrame)).toBeUndefined()
    const establish = { type: "channel/establish-request" as const, identity: { peerId: "5" as const, type: "user" as const } }
    expect(stripper.message(establish)).toBe(establish)
  })
})
