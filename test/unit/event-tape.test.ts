/**
 * The event tape end to end: what writeEvent and TapeWriter
 * (codec/event-tape/) write and decodeEventTape reads back, after the JSON
 * trip a tape makes inside a batch. Proves that
 * - a value written with `val` decodes to exactly what serializeRepoValue
 *   makes of it, whether the fast path or the Raw fallback wrote it;
 * - every event kind keeps its fields, ids and times, written by name in its
 *   layout's order, and strings are listed once;
 * - a size field is what the fast path measured, or the tap's estimate;
 * - a value written again with `references` (a Same token) decodes as the
 *   value first written, and in full without them; a buffer cut to its head
 *   never stands in for one written whole;
 * - store entries shipped as the store's bytes decode as the hook would have
 *   decoded them;
 * - rolling back (an event, or a value that fell back) keeps the writer's
 *   string list in step with the reader's;
 * - malformed tapes, hand-made or valid ones mutated at random, throw
 *   TapeError and nothing else;
 * - `val` reports a size for what the fast path wrote, undefined for a fallback.
 */
import { describe, expect, it } from "vitest"
import { EphemeralStore } from "loro-crdt"
import { withOptions, writeEvent, type CommandSource } from "../../codec/event-tape/event-writer"
import { EntryFlag, KIND_CODES, ValTag } from "../../codec/event-tape/layout"
import { decodeEventTape, TapeError } from "../../codec/event-tape/reader"
import { decodeEphemeralEntry } from "../../codec/loro-ephemeral/ephemeral-codec"
import { bytesToHex } from "../../codec/hex"
import { toStoreEntry } from "../../codec/loro-ephemeral/store-entry"
import { SUMMARY_TAG, type EventTapeMessage, type HookEvent, type TapeEvent, type TapeToken, type WireValue } from "../../protocol/messages"
import { serialize } from "../../codec/serialize/serialize"
import { TapeWriter, type FullSerializer } from "../../codec/event-tape/writer"
import { collectEphemeralData, estimateSize, serializeRepoValue } from "../../injected/sources/loro-extended/loro-values"

type Event<K extends HookEvent["kind"]> = Extract<HookEvent, { kind: K }>

const T0 = 1_700_000_000_000
const repoSerializer: FullSerializer = (value, fullBytes) => serializeRepoValue(value, fullBytes)

function newWriter(firstId = 1, t0 = T0): TapeWriter {
  return new TapeWriter(firstId, t0, repoSerializer)
}

/** A cmd/batch and one child command with `detail` (the command's fields but its type), as writeCommands lists them. */
function batchWithChild(type: string, detail: Record<string, unknown>, more: CommandSource = () => {}): CommandSource {
  return out => {
    out.command("cmd/batch", 0)
    out.command(type, 1, { type, ...detail })
    more(out)
  }
}

/** A size estimate the fast path makes unnecessary: calling it fails the test. */
function unused(): number {
  throw new Error("the size was estimated although the fast path measured it")
}

/** The tape as the panel gets it: through JSON text. */
function overJson(tape: EventTapeMessage): EventTapeMessage {
  return JSON.parse(JSON.stringify(tape)) as EventTapeMessage
}

function decode(writer: TapeWriter): TapeEvent[] {
  return decodeEventTape(overJson(writer.seal()))
}

/** Writes `value` as the data of one emitter event and decodes it. */
function roundTrip(value: unknown, fullBytes?: ReadonlySet<object>): { data: WireValue } {
  const writer = newWriter()
  writeEvent(writer, "emitter", "repo-1", T0, { name: "probe", data: withOptions(value, fullBytes ? { fullBytes } : {}) })
  const events = decode(writer)
  expect(events).toHaveLength(1)
  const event = events[0] as Event<"emitter">
  expect(event).toMatchObject({ kind: "emitter", repoId: "repo-1", name: "probe", id: 1, t: T0 })
  return { data: event.data }
}

function bytes(length: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * seed + 3) & 255)
}

/** {child: {child: ... "leaf"}}, `depth` objects deep. */
function nested(depth: number): unknown {
  let value: unknown = "leaf"
  for (let level = 0; level < depth; level++) value = { child: value, level }
  return value
}

function count(ops: readonly TapeToken[], token: TapeToken): number {
  return ops.filter(item => item === token).length
}

// ---------------------------------------------------------------------------
// 1. Values: the decoded value is the reference serializer's
// ---------------------------------------------------------------------------

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}
class FakeBuffer extends Uint8Array {}
/** Shaped like loro's VersionVector: serializeRepoValue converts it to {peer: counter}. */
class FakeVersionVector {
  toJSON() {
    return new Map([
      ["12", 3],
      ["7", 1],
    ])
  }
  compare() {}
  setEnd() {}
  encode() {}
}

/** One Error for every read, so its stack is the same in both serialisations. */
const boom = new Error("boom")
const throwingGetter = Object.defineProperty({ ok: 1 }, "bad", {
  enumerable: true,
  get: () => {
    throw boom
  },
})
const throwingStringGetter = Object.defineProperty({ ok: 1 }, "bad", {
  enumerable: true,
  get: () => {
    throw "nope"
  },
})
const cycle: Record<string, unknown> = { name: "root" }
cycle.self = cycle
const deepCycle: Record<string, unknown> = { name: "root" }
deepCycle.a = { b: { back: deepCycle } }
const arrayCycle: unknown[] = [1]
arrayCycle.push(arrayCycle)
const shared = { s: 1 }
const payload = bytes(100)
const fakeBuffer = FakeBuffer.from(bytes(50))
const ephemeralFrame = { type: "channel/ephemeral", stores: [{ docId: "doc", namespace: "presence", data: payload }] }
const manyKeys = (size: number) => Object.fromEntries(Array.from({ length: size }, (_, index) => [`key${index}`, index]))
const nullProto = Object.assign(Object.create(null) as object, { a: 1, b: { c: "d" } })

/** [name, value, fullBytes]. */
const VALUES: Array<[string, unknown, ReadonlySet<object>?]> = [
  ["null", null],
  ["true", true],
  ["false", false],
  ["zero", 0],
  ["negative zero", -0],
  ["-0 inside", { z: -0, list: [-0] }],
  ["integer", 42],
  ["float", -3.25],
  ["max safe integer", Number.MAX_SAFE_INTEGER],
  ["smallest double", 5e-324],
  ["empty string", ""],
  ["string", "hello"],
  ["unicode string", 'héllo 🌍 \u0000 \u2028 "quoted"'],
  ["numeric-looking string", "0"],
  ["empty object", {}],
  ["empty array", []],
  ["nested plain data", { a: 1, b: "two", c: [true, null, { d: -0.5, e: [] }], f: { g: { h: "h" } } }],
  ["repeated strings", { a: "a", list: ["a", "b", "a"], rows: [{ a: 1 }, { a: 2 }], b: "list" }],
  ["integer-like keys", { "1": "one", "0": "zero", x: "x", "-1": "minus" }],
  ["shared (not cyclic) object", { p: shared, q: shared, r: [shared] }],
  ["Uint8Array longer than the head", bytes(100)],
  ["Uint8Array shorter than the head", bytes(5)],
  ["Uint8Array exactly the head", bytes(32)],
  ["empty Uint8Array", new Uint8Array(0)],
  ["Uint8Array view at an offset", new Uint8Array(bytes(64).buffer, 8, 40)],
  ["Uint8Array in fullBytes", payload, new Set([payload])],
  ["ephemeral frame, data in fullBytes", ephemeralFrame, collectEphemeralData(ephemeralFrame)],
  ["ephemeral frame, data not in fullBytes", ephemeralFrame],
  ["fullBytes set holding another buffer", payload, new Set([bytes(100)])],
  ["Buffer-like Uint8Array subclass", new FakeBuffer([1, 2, 3])],
  ["Buffer-like subclass in fullBytes", { data: fakeBuffer }, new Set([fakeBuffer])],
  ["node Buffer", { data: Buffer.from(bytes(40)) }],
  ["Uint16Array", new Uint16Array([1, 2, 3])],
  ["ArrayBuffer", bytes(4).buffer],
  [
    "Map",
    new Map<unknown, unknown>([
      ["a", 1],
      [{ k: true }, [1, 2]],
    ]),
  ],
  ["Set", new Set([1, "two", { three: 3 }])],
  ["Map inside plain data", { before: "x", m: new Map([["k", "v"]]) }],
  ["Date", new Date(Date.UTC(2024, 0, 2, 3, 4, 5))],
  ["invalid Date", new Date(Number.NaN)],
  ["class instance", new Point(1, 2)],
  ["class instance inside plain data", { at: new Point(3, 4), label: "p" }],
  ["Error", boom],
  ["VersionVector-shaped instance", { version: new FakeVersionVector() }],
  ["undefined", undefined],
  ["undefined as a property", { a: undefined, b: 1 }],
  ["undefined in an array", [1, undefined]],
  // biome-ignore lint/suspicious/noSparseArray: the hole is the case under test (it reads as undefined)
  ["sparse array", [, 1]],
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["-Infinity", Number.NEGATIVE_INFINITY],
  ["NaN as a property", { n: Number.NaN }],
  ["bigint", 10n],
  ["bigint as a property", { big: 2n ** 70n }],
  ["symbol", Symbol("sym")],
  ["symbol as a property", { s: Symbol("prop") }],
  ["function", function named() {}],
  ["function as a property", { f() {}, x: 1, g: () => 2 }],
  ["functions in an array", [() => 1, function g() {}, 3]],
  ['own "__proto__" key', JSON.parse('{"__proto__":1}')],
  ['own "__proto__" key holding an object', JSON.parse('{"__proto__":{"polluted":true},"a":1}')],
  ['nested "__proto__" key', { outer: JSON.parse('{"__proto__":[1,2]}') }],
  ['"$ephemera" key', { [SUMMARY_TAG]: "bytes", hex: "00" }],
  ['nested "$ephemera" key', { fine: 1, inner: { [SUMMARY_TAG]: "x" } }],
  ["null-prototype object", nullProto],
  ["null-prototype object inside plain data", { o: nullProto }],
  ["string of exactly 10,000 chars", "a".repeat(10_000)],
  ["string longer than 10,000 chars", "b".repeat(10_001)],
  ["strings over the fast path's char budget", Array.from({ length: 15 }, (_, index) => "abcdefghi"[index % 9]!.repeat(9_000))],
  ["array of exactly 5,000 items", Array.from({ length: 5_000 }, (_, index) => index)],
  ["array longer than 5,000 items", Array.from({ length: 5_001 }, (_, index) => index)],
  ["array of 1,999 numbers", Array.from({ length: 1_999 }, (_, index) => index / 2)],
  ["more nodes than the fast path walks", Array.from({ length: 300 }, (_, row) => Array.from({ length: 10 }, (_, index) => row * index))],
  ["object of exactly 1,000 keys", manyKeys(1_000)],
  ["object of more than 1,000 keys", manyKeys(1_001)],
  ...[8, 9, 10, 11, 12, 13, 20].map((depth): [string, unknown] => [`nesting depth ${depth}`, nested(depth)]),
  ["arrays nested 20 deep", JSON.parse(`${"[".repeat(20)}1${"]".repeat(20)}`)],
  ["cycle", cycle],
  ["cycle through nested objects", deepCycle],
  ["cycle through an array", arrayCycle],
  ["getter that throws an Error", throwingGetter],
  ["getter that throws a string", throwingStringGetter],
  [
    "getter that works",
    {
      get computed() {
        return 5
      },
      plain: "p",
    },
  ],
  ["proxy of a plain object", new Proxy({ a: 1, b: [2] }, {})],
]

describe("event tape: values decode to the reference serializer's output", () => {
  it.each(VALUES)("%s", (_name, value, fullBytes) => {
    const { data } = roundTrip(value, fullBytes)
    expect(data).toStrictEqual(serializeRepoValue(value, fullBytes))
  })

  it('keeps a "__proto__" key an own data property, never the prototype', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"nested":{"__proto__":1}}') as unknown
    const { data } = roundTrip(value)
    expect(newWriter().val(value)).toBeTypeOf("number") // the fast path wrote it: the reader's keys, not JSON.parse, made the objects
    const record = data as Record<string, WireValue>
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(record, "__proto__")).toEqual({
      value: { polluted: true },
      enumerable: true,
      writable: true,
      configurable: true,
    })
    expect("polluted" in record).toBe(false)
    const inner = record.nested as Record<string, WireValue>
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(inner, "__proto__")?.value).toBe(1)
    expect(Object.keys(record)).toEqual(["__proto__", "nested"])
  })

  it("matches the reference for plain objects with an exotic toStringTag", () => {
    // Object.prototype objects the fast path takes as plain; the reference
    // goes by Object.prototype.toString and sees a Date, a Map, an Error.
    const plainTaggedError = { [Symbol.toStringTag]: "Error", message: "tagged", name: "Tagged" }
    const { data } = roundTrip(plainTaggedError)
    expect(data).toStrictEqual(serializeRepoValue(plainTaggedError))
  })
})

// ---------------------------------------------------------------------------
// 2. Every event kind
// ---------------------------------------------------------------------------

describe("event tape: events", () => {
  it("round-trips every kind with its fields, consecutive ids, times and listed strings", () => {
    const writer = newWriter(41, T0)
    const expected: HookEvent[] = []

    writeEvent(writer, "store-created", "repo-1", T0 + 3, { docId: "doc-a", namespace: "presence" })
    expected.push({ id: 41, repoId: "repo-1", t: T0 + 3, kind: "store-created", docId: "doc-a", namespace: "presence" })

    const hello = { type: "channel/establish-request", identity: { peerId: "peer-9", name: "Bob", type: "user" } }
    writeEvent(writer, "channel-in", "repo-1", T0 + 5, {
      channelId: 7,
      peerId: "peer-9",
      msgType: hello.type,
      message: hello,
      size: unused,
    })
    expected.push({
      id: 42,
      repoId: "repo-1",
      t: T0 + 5,
      kind: "channel-in",
      channelId: 7,
      peerId: "peer-9",
      msgType: hello.type,
      size: 64,
      message: hello,
    })

    const anonymous = { type: "channel/ephemeral", stores: [] }
    writeEvent(writer, "channel-in", "repo-2", T0 + 5, {
      channelId: 8,
      peerId: undefined,
      msgType: anonymous.type,
      message: anonymous,
      size: unused,
    })
    // "type" + "channel/ephemeral" + "stores": 27 bytes as the fast path walked them.
    expected.push({
      id: 43,
      repoId: "repo-2",
      t: T0 + 5,
      kind: "channel-in",
      channelId: 8,
      msgType: anonymous.type,
      size: 27,
      message: anonymous,
    })

    const data = bytes(40)
    const request = { type: "channel/sync-request", docId: "doc-a", ephemeral: [{ namespace: "presence", data }] }
    for (const establishment of [true, false]) {
      writeEvent(writer, "channel-out", "repo-2", T0 + 9, {
        toChannelIds: [7, 8],
        msgType: request.type,
        message: withOptions(request, { fullBytes: collectEphemeralData(request) }),
        size: unused,
        establishment,
      })
      expected.push({
        id: expected.length + 41,
        repoId: "repo-2",
        t: T0 + 9,
        kind: "channel-out",
        toChannelIds: [7, 8],
        msgType: request.type,
        // type 4 + 20, docId 5 + 5, ephemeral 9, namespace 9 + 8, data 4 + 40 bytes
        size: 104,
        message: serializeRepoValue(request, new Set([data])),
        establishment,
      })
    }

    const update = { type: "synchronizer/heartbeat" }
    const delta = { channels: [{ channelId: 7, type: "established", kind: "network", adapterType: "bridge", peerId: "peer-9" }] }
    writeEvent(writer, "sync-message", "repo-1", T0 + 20, {
      msgType: update.type,
      message: withOptions(update, { references: true }),
      commands: batchWithChild("cmd/send-message", { toChannelIds: [7], note: "hi" }, out =>
        out.command("cmd/log", 1, { type: "cmd/log" }),
      ),
      delta,
    })
    expected.push({
      id: 46,
      repoId: "repo-1",
      t: T0 + 20,
      kind: "sync-message",
      msgType: update.type,
      message: update,
      commands: [
        { type: "cmd/batch", depth: 0 },
        { type: "cmd/send-message", depth: 1, detail: { toChannelIds: [7], note: "hi" } },
        // A command with no field but its type has no detail.
        { type: "cmd/log", depth: 1 },
      ],
      delta,
    })

    writeEvent(writer, "sync-message", "repo-1", T0 + 20, {
      msgType: update.type,
      message: withOptions(update, { references: true }),
      commands: () => {},
      delta: {},
    })
    expected.push({
      id: 47,
      repoId: "repo-1",
      t: T0 + 20,
      kind: "sync-message",
      msgType: update.type,
      message: update,
      commands: [],
      delta: {},
    })

    writeEvent(writer, "emitter", "repo-2", T0 + 21, { name: "ready-state-changed", data: { docId: "doc-a", when: new Date(0) } })
    expected.push({
      id: 48,
      repoId: "repo-2",
      t: T0 + 21,
      kind: "emitter",
      name: "ready-state-changed",
      data: serializeRepoValue({ docId: "doc-a", when: new Date(0) }),
    })

    // The clock may step back: dt is negative.
    writeEvent(writer, "store", "repo-1", T0 + 19, {
      docId: "doc-a",
      namespace: "presence",
      by: "local",
      entries: [
        { key: "alice", value: { x: 1, cursor: [3, 4] }, deleted: false, timestamp: T0 - 100, size: 12 },
        { key: "bob", deleted: true },
        { key: "carol", value: { f() {}, n: 2 }, deleted: false },
        { key: "dave", deleted: false, size: 0 },
        { key: "erin", value: undefined, deleted: false, timestamp: 5 },
        { key: "alice", deleted: true, timestamp: T0 },
      ],
    })
    expected.push({
      id: 49,
      repoId: "repo-1",
      t: T0 + 19,
      kind: "store",
      docId: "doc-a",
      namespace: "presence",
      by: "local",
      entries: [
        { key: "alice", value: { x: 1, cursor: [3, 4] }, deleted: false, timestamp: T0 - 100, size: 12 },
        { key: "bob", deleted: true },
        // Store values keep functions as summaries (the plain serializer), unlike the repo's values.
        { key: "carol", value: serialize({ f() {}, n: 2 }), deleted: false },
        { key: "dave", deleted: false, size: 0 },
        { key: "erin", value: { [SUMMARY_TAG]: "undefined" }, deleted: false, timestamp: 5 },
        { key: "alice", deleted: true, timestamp: T0 },
      ],
    })
    expect((expected.at(-1) as Event<"store">).entries[2]!.value).toEqual({ f: { [SUMMARY_TAG]: "function", name: "f" }, n: 2 })

    writeEvent(writer, "store", "repo-2", T0 + 30, { docId: "doc-a", namespace: "presence", by: "timeout", entries: [] })
    expected.push({
      id: 50,
      repoId: "repo-2",
      t: T0 + 30,
      kind: "store",
      docId: "doc-a",
      namespace: "presence",
      by: "timeout",
      entries: [],
    })

    expect(writer.events).toBe(expected.length)
    const tape = overJson(writer.seal())
    expect(tape).toMatchObject({ type: "repo/event-tape", firstId: 41, t0: T0, events: expected.length })
    expect(decodeEventTape(tape)).toStrictEqual(expected)
    // Repeated strings are written once, then by index.
    for (const repeated of ["repo-1", "repo-2", "doc-a", "presence", "alice", request.type]) expect(count(tape.ops, repeated)).toBe(1)
  })

  it("writes a size from the tap's estimate when the full serializer wrote the message", () => {
    const writer = newWriter()
    const odd = { type: "channel/odd", peers: new Map([["p", 1]]) }
    const seen: unknown[] = []
    const estimate = (value: unknown) => {
      seen.push(value)
      return 99
    }
    writeEvent(writer, "channel-out", "repo-1", T0, {
      toChannelIds: [1],
      msgType: odd.type,
      message: odd,
      size: estimate,
      establishment: false,
    })
    const [event] = decode(writer) as [Event<"channel-out">]
    expect(event).toMatchObject({ size: 99, message: serializeRepoValue(odd) })
    expect(seen).toEqual([odd])
  })

  it("takes a failed event back out whole, and rethrows", () => {
    const writer = newWriter(1, T0)
    writeEvent(writer, "emitter", "repo-1", T0, { name: "before", data: 1 })
    const failing: CommandSource = out => {
      out.command("cmd/batch", 0)
      throw new Error("a command's getter threw")
    }
    expect(() =>
      writeEvent(writer, "sync-message", "repo-2", T0 + 1, { msgType: "m-new", message: "x-new", commands: failing, delta: {} }),
    ).toThrow("getter threw")
    writeEvent(writer, "emitter", "repo-1", T0 + 2, { name: "after", data: 2 })
    expect(decode(writer).map(event => (event.kind === "emitter" ? event.name : event.kind))).toEqual(["before", "after"])
    expect(writer.seal().ops).not.toContain("repo-2")
  })

  it("times each event from t0, not from the first event", () => {
    const writer = newWriter(1, T0)
    writeEvent(writer, "store-created", "r", T0 + 250, { docId: "d", namespace: "n" })
    expect(decode(writer)).toStrictEqual([{ id: 1, repoId: "r", t: T0 + 250, kind: "store-created", docId: "d", namespace: "n" }])
  })

  it("decodes an empty tape to no events", () => {
    expect(decode(newWriter())).toEqual([])
  })
})

// ---------------------------------------------------------------------------
// 3. References to channel messages
// ---------------------------------------------------------------------------

describe("event tape: references", () => {
  const data = bytes(40)
  const frame = { type: "channel/ephemeral", stores: [{ docId: "doc-a", namespace: "presence", data }] }

  function tapeWithFrame(): TapeWriter {
    const writer = newWriter()
    const message = withOptions(frame, { fullBytes: collectEphemeralData(frame), references: true })
    writeEvent(writer, "channel-in", "repo-1", T0, { channelId: 1, peerId: undefined, msgType: frame.type, message, size: unused })
    return writer
  }

  /** A sync-message whose one command's detail is `detail` (command details are always written with references). */
  function writeSyncMessage(writer: TapeWriter, message: unknown, detail: Record<string, unknown>, references: boolean): void {
    writeEvent(writer, "sync-message", "repo-1", T0 + 1, {
      msgType: frame.type,
      message: withOptions(message, { references }),
      commands: out => out.command("cmd/apply", 0, { type: "cmd/apply", ...detail }),
      delta: {},
    })
  }

  it("decodes a value written again as the value first written, whole bytes included", () => {
    const writer = tapeWithFrame()
    writeSyncMessage(writer, frame, { message: frame, stores: frame.stores, note: "n" }, true)
    const tape = overJson(writer.seal())
    const [channelIn, sync] = decodeEventTape(tape) as [Event<"channel-in">, Event<"sync-message">]
    expect(channelIn.message).toStrictEqual(serializeRepoValue(frame, new Set([data])))
    expect(sync.message).toStrictEqual(channelIn.message)
    expect(sync.commands[0]!.detail).toStrictEqual({
      message: channelIn.message,
      stores: (channelIn.message as { stores: WireValue }).stores,
      note: "n",
    })
    // The second and third writes of the frame, and the stores, are one token pair each: the hex is written once.
    expect(tape.ops.filter(token => typeof token === "string" && token.length >= 80)).toHaveLength(1)
  })

  it("writes a value seen before in full without `references`", () => {
    const writer = tapeWithFrame()
    writeSyncMessage(writer, frame, { message: frame }, false)
    const [channelIn, sync] = decode(writer) as [Event<"channel-in">, Event<"sync-message">]
    // Written again, not referenced: without fullBytes its data is a 32-byte head.
    expect(sync.message).toStrictEqual(serializeRepoValue(frame))
    expect(sync.message).not.toStrictEqual(channelIn.message)
    // The command's detail refers to the frame as the channel-in wrote it, whole.
    expect(sync.commands[0]!.detail).toStrictEqual({ message: channelIn.message })
  })

  it("never lets a buffer cut to its head stand in for one written whole", () => {
    const writer = newWriter()
    writeEvent(writer, "emitter", "repo-1", T0, { name: "head first", data: withOptions(frame, { references: true }) })
    const message = withOptions(frame, { fullBytes: collectEphemeralData(frame), references: true })
    writeEvent(writer, "channel-out", "repo-1", T0, { toChannelIds: [1], msgType: frame.type, message, size: unused, establishment: false })
    const [emitter, channelOut] = decode(writer) as [Event<"emitter">, Event<"channel-out">]
    expect(emitter.data).toStrictEqual(serializeRepoValue(frame))
    expect(channelOut.message).toStrictEqual(serializeRepoValue(frame, new Set([data])))
  })

  it("writes again what the full serializer wrote, and what was deeper than remembered", () => {
    const writer = newWriter()
    const odd = { type: "channel/odd", peers: new Map([["p", 1]]) }
    const deep = { a: { b: { c: [1, 2] } } }
    const message = withOptions(odd, { references: true })
    writeEvent(writer, "channel-out", "repo-1", T0, { toChannelIds: [1], msgType: odd.type, message, size: () => 10, establishment: false })
    writeEvent(writer, "emitter", "repo-1", T0, { name: "echo", data: withOptions([odd, deep, deep.a, deep.a.b], { references: true }) })
    const tape = overJson(writer.seal())
    const [channelOut, emitter] = decodeEventTape(tape) as [Event<"channel-out">, Event<"emitter">]
    expect(channelOut.message).toStrictEqual(serializeRepoValue(odd))
    expect(emitter.data).toStrictEqual([channelOut.message, deep, deep.a, deep.a.b])
    // Two Raw tokens: `odd` was not remembered and is serialised again.
    expect(tape.ops.filter(token => token === ValTag.Raw)).toHaveLength(2)
  })

  it("sizes a value written again as the value it stands for", () => {
    const writer = tapeWithFrame()
    const message = withOptions(frame, { references: true })
    writeEvent(writer, "channel-out", "repo-2", T0 + 1, {
      toChannelIds: [2],
      msgType: frame.type,
      message,
      size: unused,
      establishment: false,
    })
    const [channelIn, channelOut] = decode(writer) as [Event<"channel-in">, Event<"channel-out">]
    expect(channelOut.size).toBe(newWriter().val(frame))
    expect(channelOut.size).toBe(channelIn.size)
  })

  it("forgets what a rolled-back event remembered", () => {
    const writer = newWriter()
    const mark = writer.mark()
    writer.begin("channel-in", "repo-1", T0)
    writer.num(1)
    writer.opt(undefined)
    writer.str(frame.type)
    writer.val(frame, { references: true })
    writer.rollback(mark)
    writeEvent(writer, "emitter", "repo-1", T0, { name: "after", data: withOptions([frame, frame], { references: true }) })
    expect(decode(writer)).toStrictEqual([
      { id: 1, repoId: "repo-1", t: T0, kind: "emitter", name: "after", data: [serializeRepoValue(frame), serializeRepoValue(frame)] },
    ])
  })
})

// ---------------------------------------------------------------------------
// 3b. Store entries as the store's bytes
// ---------------------------------------------------------------------------

describe("event tape: encoded store entries", () => {
  /** One entry's bytes as a store encodes them: encode(key) is [count = 1, ...entry]. */
  function entryBytes(key: string, value: unknown, remove = false): Uint8Array {
    const store = new EphemeralStore(60_000)
    store.set(key, value as never)
    if (remove) store.delete(key)
    return store.encode(key).subarray(1)
  }

  function storeEvent(entries: Array<{ key: string; encoded: Uint8Array }>) {
    const writer = newWriter()
    writeEvent(writer, "store", "repo-1", T0, { docId: "doc", namespace: "presence", by: "import", entries })
    return overJson(writer.seal())
  }

  it("decodes to the entry the hook would have decoded: value, tombstone, timestamp, size", () => {
    const alice = entryBytes("alice", { x: 1, name: "Alice", tags: ["a"] })
    const bob = entryBytes("bob", 1, true)
    const [event] = decodeEventTape(
      storeEvent([
        { key: "alice", encoded: alice },
        { key: "bob", encoded: bob },
      ]),
    ) as [Event<"store">]
    expect(event.entries).toStrictEqual([toStoreEntry(decodeEphemeralEntry(alice)), toStoreEntry(decodeEphemeralEntry(bob))])
    expect(event.entries[0]).toMatchObject({
      key: "alice",
      value: { x: 1, name: "Alice", tags: ["a"] },
      deleted: false,
      timestamp: expect.any(Number),
      size: alice.length,
    })
    expect(event.entries[1]).toMatchObject({ key: "bob", deleted: true })
    expect(event.entries[1]).not.toHaveProperty("value")
  })

  it("lists equal bytes once", () => {
    const alice = entryBytes("alice", { x: 1 })
    const tape = storeEvent([
      { key: "alice", encoded: alice },
      { key: "alice", encoded: alice.slice() },
    ])
    expect(tape.ops.filter(token => typeof token === "string" && token.length > 10)).toHaveLength(1)
  })

  it("refuses bytes that are not hex, do not decode, or are another key's", () => {
    const alice = entryBytes("alice", { x: 1 })
    const prefix = [STORE, "r", 0, "d", "p", "import", 1, "alice", EntryFlag.Encoded]
    expect(decodeEventTape(tape([...prefix, bytesToHex(alice)]))).toHaveLength(1)
    expectTapeError(tape([...prefix, "zz"]))
    expectTapeError(tape([...prefix, bytesToHex(alice.subarray(0, alice.length - 2))]))
    expectTapeError(tape([...prefix, `${bytesToHex(alice)}00`]))
    expectTapeError(tape([STORE, "r", 0, "d", "p", "import", 1, "bob", EntryFlag.Encoded, bytesToHex(alice)]))
    expectTapeError(tape([...prefix, 0]))
  })
})

// ---------------------------------------------------------------------------
// 4. Rollback
// ---------------------------------------------------------------------------

describe("event tape: rollback", () => {
  it("unlists the strings of a rolled-back event", () => {
    const writer = newWriter(10, T0)
    writeEvent(writer, "emitter", "repo-1", T0 + 1, { name: "first", data: { shared: 1 } })
    const mark = writer.mark()
    writer.begin("emitter", "repo-2", T0 + 50)
    writer.str("half-written")
    writer.val({ fresh: "new-string", shared: "x" })
    writer.rollback(mark)
    expect(writer.events).toBe(1)
    // The same strings again, in another order: each must be listed anew.
    writeEvent(writer, "emitter", "repo-2", T0 + 4, { name: "new-string", data: { fresh: "half-written", again: "repo-2", shared: "x" } })
    expect(decode(writer)).toStrictEqual([
      { id: 10, repoId: "repo-1", t: T0 + 1, kind: "emitter", name: "first", data: { shared: 1 } },
      {
        id: 11,
        repoId: "repo-2",
        t: T0 + 4,
        kind: "emitter",
        name: "new-string",
        data: { fresh: "half-written", again: "repo-2", shared: "x" },
      },
    ])
  })

  it("unlists the strings a value listed before it fell back", () => {
    const writer = newWriter()
    writer.begin("emitter", "repo-1", T0)
    writer.str("mixed")
    const mixed = { listedKey: "listed-value", later: new Map([["k", 1]]) }
    expect(writer.val(mixed)).toBeUndefined()
    writeEvent(writer, "emitter", "repo-1", T0, { name: "listed-value", data: { listedKey: "listed-value" } })
    const [first, second] = decode(writer) as [Event<"emitter">, Event<"emitter">]
    expect(first.data).toStrictEqual(serializeRepoValue(mixed))
    expect(second).toMatchObject({ name: "listed-value", data: { listedKey: "listed-value" } })
  })
})

// ---------------------------------------------------------------------------
// 5. Malformed tapes
// ---------------------------------------------------------------------------

const EMITTER = KIND_CODES.indexOf("emitter")
const CHANNEL_IN = KIND_CODES.indexOf("channel-in")
const CHANNEL_OUT = KIND_CODES.indexOf("channel-out")
const SYNC = KIND_CODES.indexOf("sync-message")
const STORE = KIND_CODES.indexOf("store")

function tape(ops: unknown[], events = 1, header: Partial<EventTapeMessage> = {}): EventTapeMessage {
  return { type: "repo/event-tape", firstId: 1, t0: T0, events, ops: ops as TapeToken[], ...header }
}

/** Decodes, and says how: "ok", or the TapeError's message; any other error is rethrown. */
function outcome(message: EventTapeMessage): string {
  try {
    decodeEventTape(message)
    return "ok"
  } catch (error) {
    if (error instanceof TapeError) return error.message
    throw error
  }
}

function expectTapeError(message: EventTapeMessage): void {
  expect(() => decodeEventTape(message)).toThrow(TapeError)
}

/** A tape with every kind of event and token: the base for truncation and fuzzing. */
function richTape(): EventTapeMessage {
  const writer = newWriter(100, T0)
  const frame = { type: "channel/ephemeral", stores: [{ docId: "d", namespace: "p", data: bytes(40) }] }
  const message = withOptions(frame, { fullBytes: collectEphemeralData(frame), references: true })
  writeEvent(writer, "channel-in", "repo-1", T0, { channelId: 3, peerId: "peer", msgType: frame.type, message, size: estimateSize })
  writeEvent(writer, "sync-message", "repo-1", T0 + 1, {
    msgType: frame.type,
    message: withOptions(frame, { references: true }),
    commands: batchWithChild("cmd/x", { at: new Date(0), list: [1, "two", null, true] }),
    delta: { documents: [] },
  })
  const batch = { type: "channel/batch", n: -1.5 }
  writeEvent(writer, "channel-out", "repo-2", T0 + 2, {
    toChannelIds: [3, 4],
    msgType: batch.type,
    message: batch,
    size: estimateSize,
    establishment: true,
  })
  const encoded = new EphemeralStore(60_000)
  encoded.set("e", { y: 2 })
  writeEvent(writer, "store", "repo-1", T0 + 3, {
    docId: "d",
    namespace: "p",
    by: "import",
    entries: [
      { key: "k", value: { x: 1 }, deleted: false, timestamp: 1, size: 2 },
      { key: "gone", deleted: true },
      { key: "e", encoded: encoded.encode("e").subarray(1) },
    ],
  })
  writeEvent(writer, "store-created", "repo-2", T0 + 3, { docId: "d", namespace: "q" })
  writeEvent(writer, "emitter", "repo-1", T0 + 4, { name: "e", data: undefined })
  return overJson(writer.seal())
}

/** Seeded PRNG (mulberry32): the fuzz runs the same every time. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state)
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296
  }
}

describe("event tape: malformed tapes throw TapeError", () => {
  it("accepts the minimal hand-made tape the cases below break", () => {
    expect(decodeEventTape(tape([EMITTER, "r", 0, "n", ValTag.Null]))).toStrictEqual([
      { id: 1, repoId: "r", t: T0, kind: "emitter", name: "n", data: null },
    ])
  })

  it("refuses every truncation of a valid tape", () => {
    const valid = richTape()
    expect(decodeEventTape(valid)).toHaveLength(valid.events)
    for (let length = 0; length < valid.ops.length; length++) {
      expectTapeError({ ...valid, ops: valid.ops.slice(0, length) })
    }
  })

  it("refuses an unknown event kind", () => {
    for (const kind of [KIND_CODES.length, -1, 1.5, "emitter", null, true]) expectTapeError(tape([kind, "r", 0, "n", ValTag.Null]))
  })

  it("refuses a bad string index", () => {
    expectTapeError(tape([EMITTER, 0, 0, "n", ValTag.Null])) // nothing listed yet
    expectTapeError(tape([EMITTER, "r", 0, 1, ValTag.Null])) // only "r" is listed
    expectTapeError(tape([EMITTER, "r", 0, -1, ValTag.Null]))
    expectTapeError(tape([EMITTER, "r", 0, 0.5, ValTag.Null]))
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.String, 2]))
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Object, 1, 9, ValTag.Null]))
    expectTapeError(tape([EMITTER, "r", 0, true, ValTag.Null]))
  })

  it("refuses counts larger than the tape", () => {
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Array, 1_000]))
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Array, 3, ValTag.Null])) // within the tape's length, beyond its end
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Object, 2, "k", ValTag.Null]))
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Array, -1]))
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Array, 1.5, ValTag.Null]))
    expectTapeError(tape([SYNC, "r", 0, "m", ValTag.Null, 50, "c", 0, false]))
    expectTapeError(tape([STORE, "r", 0, "d", "p", "by", 7, "k", 0]))
  })

  it("refuses an events header larger than the ops", () => {
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Null], 2))
    expectTapeError(tape([EMITTER, "r", 0], 100))
    expectTapeError(tape([], 1))
  })

  it("refuses a bad header", () => {
    const ops = [EMITTER, "r", 0, "n", ValTag.Null]
    expectTapeError(tape(ops, -1))
    expectTapeError(tape(ops, 0.5))
    expectTapeError(tape(ops, 1, { firstId: 1.5 }))
    expectTapeError(tape(ops, 1, { t0: null as unknown as number }))
    expectTapeError(tape(ops, 1, { ops: "nope" as unknown as TapeToken[] }))
  })

  it("refuses a non-number where a number is required", () => {
    expectTapeError(tape([EMITTER, "r", "0", "n", ValTag.Null])) // dt
    expectTapeError(tape([EMITTER, "r", null, "n", ValTag.Null]))
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Number, "1"]))
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Number, null])) // NaN after JSON
    expectTapeError(tape([EMITTER, "r", 0, "n", "3"])) // a value tag
    expectTapeError(tape([CHANNEL_IN, "r", 0, "7", null, "m", ValTag.Null, 0])) // channelId
    expectTapeError(tape([CHANNEL_IN, "r", 0, 7, null, "m", ValTag.Null, null])) // size
    expectTapeError(tape([STORE, "r", 0, "d", "p", "by", 1, "k", "2"])) // entry flags
    expectTapeError(tape([SYNC, "r", 0, "m", ValTag.Null, 1, "c", "0", false, ValTag.Object, 0])) // command depth
  })

  it("refuses other misplaced tokens", () => {
    expectTapeError(tape([CHANNEL_OUT, "r", 0, ValTag.Array, 1, ValTag.String, "x", "m", ValTag.Null, 0, false])) // toChannelIds
    expectTapeError(tape([CHANNEL_OUT, "r", 0, ValTag.Array, 0, "m", ValTag.Null, 0, 1])) // establishment
    expectTapeError(tape([SYNC, "r", 0, "m", ValTag.Null, 0, ValTag.Array, 0])) // delta
    expectTapeError(tape([EMITTER, "r", 0, "n", ValTag.Bytes, "Uint8Array", 2, null, false])) // hex
    expectTapeError(tape([EMITTER, "r", 0, "n", 42]))
    const deep = [EMITTER, "r", 0, "n", ...Array.from({ length: 100 }, () => [ValTag.Array, 1]).flat(), ValTag.Null]
    expectTapeError(tape(deep))
  })

  it("refuses a Same to no value, to an unfinished one, or to what is not a container", () => {
    const emit = [EMITTER, "r", 0, "n"]
    expectTapeError(tape([...emit, ValTag.Same, 0])) // nothing noted yet
    expectTapeError(tape([...emit, ValTag.Array, 1, ValTag.Same, 0])) // the array itself, unfinished: a cycle
    expectTapeError(tape([...emit, ValTag.Array, 2, ValTag.Array, 0, ValTag.Same, 2])) // a later one
    expectTapeError(tape([...emit, ValTag.Array, 2, ValTag.Array, 0, ValTag.Same, "1"]))
    expectTapeError(tape([...emit, ValTag.Array, 2, ValTag.String, "s", ValTag.Same, 1])) // strings are not noted
    const [event] = decodeEventTape(tape([...emit, ValTag.Array, 2, ValTag.Array, 1, ValTag.Number, 7, ValTag.Same, 1])) as [
      Event<"emitter">,
    ]
    expect(event.data).toStrictEqual([[7], [7]])
  })

  it("refuses Same values that would expand far beyond the tape, or nest too deep", () => {
    // Each array holds the previous one twice: 40 levels would be 2^40 nodes.
    // (Note 0 is the outer array, note 1 the empty one, note k + 1 holds note k twice.)
    const bomb: TapeToken[] = [EMITTER, "r", 0, "n", ValTag.Array, 41, ValTag.Array, 0]
    for (let note = 1; note <= 40; note++) bomb.push(ValTag.Array, 2, ValTag.Same, note, ValTag.Same, note)
    expect(outcome(tape(bomb))).toMatch(/expand too far/)
    // A real tape may say the same thing many times: one 200-node value written 2,000 times passes.
    const fanOut: TapeToken[] = [
      EMITTER,
      "r",
      0,
      "n",
      ValTag.Array,
      2_001,
      ValTag.Array,
      199,
      ...Array.from({ length: 199 }, () => ValTag.Null),
    ]
    for (let copy = 0; copy < 2_000; copy++) fanOut.push(ValTag.Same, 1)
    expect(outcome(tape(fanOut))).toBe("ok")
    // A tower 40 arrays high (notes 1 to 40), then put 30 levels down: 70 levels in all.
    const tower: TapeToken[] = [EMITTER, "r", 0, "n", ValTag.Array, 2]
    for (let level = 0; level < 40; level++) tower.push(ValTag.Array, 1)
    tower.push(ValTag.Null)
    for (let level = 0; level < 30; level++) tower.push(ValTag.Array, 1)
    tower.push(ValTag.Same, 1)
    expect(outcome(tape(tower))).toMatch(/nested too deep/)
  })

  it("refuses trailing tokens", () => {
    const valid = richTape()
    expectTapeError({ ...valid, ops: [...valid.ops, ValTag.Null] })
    expectTapeError({ ...valid, events: valid.events - 1 })
  })

  it("survives random mutations of a valid tape: decodes, or throws TapeError", () => {
    const valid = richTape()
    const next = random(0xe7a9e)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
    const tokens: TapeToken[] = [null, true, false, "", "x", "repo-1", "__proto__", ...Array.from({ length: 15 }, (_, index) => index - 2)]
    const outcomes = new Map<string, number>()
    const crashes: string[] = []
    for (let trial = 0; trial < 2_000; trial++) {
      const ops = [...valid.ops]
      const at = Math.floor(next() * (ops.length + 1))
      const operation = pick(["replace", "delete", "insert"] as const)
      if (operation === "replace") ops[Math.min(at, ops.length - 1)] = pick(tokens)
      else if (operation === "delete") ops.splice(Math.min(at, ops.length - 1), 1)
      else ops.splice(at, 0, pick(tokens))
      try {
        const result = outcome({ ...valid, ops })
        const kind = result === "ok" ? "ok" : "TapeError"
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1)
      } catch (error) {
        crashes.push(`trial ${trial} (${operation} at ${at}): ${String(error)}`)
      }
    }
    expect(crashes).toEqual([])
    // Both outcomes happen: the mutations neither all break nor all miss the tape.
    expect(outcomes.get("ok")).toBeGreaterThan(0)
    expect(outcomes.get("TapeError")).toBeGreaterThan(0)
  })
})

// ---------------------------------------------------------------------------
// 6. Sizes
// ---------------------------------------------------------------------------

describe("event tape: val's size", () => {
  function sizeOf(value: unknown): number | undefined {
    const writer = newWriter()
    writer.begin("emitter", "r", T0)
    writer.str("n")
    return writer.val(value)
  }

  it("counts what the fast path wrote", () => {
    expect(sizeOf("hello")).toBe(5)
    expect(sizeOf("")).toBe(0)
    expect(sizeOf(3.5)).toBe(8)
    expect(sizeOf(-0)).toBe(8)
    expect(sizeOf(true)).toBe(1)
    expect(sizeOf(false)).toBe(1)
    expect(sizeOf(null)).toBe(0)
    expect(sizeOf(bytes(100))).toBe(100) // all of it, not the 32 bytes of hex written
    expect(sizeOf({})).toBe(0)
    expect(sizeOf({ ab: "xyz" })).toBe(5)
    // "ab"+"xyz" 5, "n"+8 9, "b"+1 2, "bytes"+5 10, "list"+null 4: 30
    expect(sizeOf({ ab: "xyz", n: 1, b: true, bytes: bytes(5), list: [null] })).toBe(30)
    expect(sizeOf([["a", "b"], [1]])).toBe(2 + 8)
  })

  it("is undefined when the full serializer wrote the value", () => {
    for (const value of [
      undefined,
      Number.NaN,
      1n,
      new Map(),
      new Point(1, 2),
      { f() {} },
      "x".repeat(10_001),
      nested(20),
      cycle,
      throwingGetter,
    ]) {
      expect(sizeOf(value)).toBeUndefined()
    }
  })
})
