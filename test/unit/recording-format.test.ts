import { describe, expect, it } from "vitest"
import { bytesSource, gzipLines } from "../../devtools-panel/recording/compression"
import { decodeRecording, type DecodeOptions } from "../../devtools-panel/recording/decode"
import { encodeRecording } from "../../devtools-panel/recording/encode"
import { RecordingError } from "../../devtools-panel/recording/errors"
import { HEADER_BYTES, RECORDING_FORMAT_VERSION, type Recording } from "../../devtools-panel/recording/format"
import { writeHeader } from "../../devtools-panel/recording/header"
import type { FormatMigration } from "../../devtools-panel/recording/migrations"
import { runSession } from "./recording-fixtures"

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value))

async function decodeBytes(bytes: Uint8Array<ArrayBuffer>, options?: DecodeOptions): Promise<Recording> {
  return decodeRecording(bytesSource(bytes), options)
}

async function failure(bytes: Uint8Array<ArrayBuffer>, options?: DecodeOptions): Promise<RecordingError> {
  try {
    await decodeBytes(bytes, options)
  } catch (error) {
    if (error instanceof RecordingError) return error
    throw error
  }
  throw new Error("decoded a bad file")
}

/** A file whose payload is the given JSON lines, as the exporter would frame them. */
async function fileOf(lines: unknown[], version = RECORDING_FORMAT_VERSION): Promise<Uint8Array<ArrayBuffer>> {
  const payload = await gzipLines(lines.map(line => JSON.stringify(line)))
  const file = new Uint8Array(HEADER_BYTES + payload.length)
  file.set(writeHeader(payload.length, version))
  file.set(payload, HEADER_BYTES)
  return file
}

describe("recording format", () => {
  const { recording } = runSession()

  it("round-trips a recording through a compressed file with its metadata", async () => {
    const bytes = await encodeRecording(recording)
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x45, 0x50, 0x48, 0x52, 0x45, 0x43, 0x0a])
    const progress: number[] = []
    const decoded = await decodeBytes(bytes, { onProgress: fraction => progress.push(fraction) })
    expect(decoded).toEqual(json(recording))
    expect(progress.at(-1)).toBe(1)
    expect(decoded.meta).toMatchObject({
      app: "ephemera-devtools",
      extensionVersion: "test",
      origin: "http://127.0.0.1:4173",
      libraryVersions: ["5.x"],
      redacted: false,
    })
    expect(decoded.meta.repos.map(repo => repo.label)).toEqual(["alice", "alice-2", "alice"])
    expect(decoded.meta.peers.map(peer => [peer.peerId, peer.name])).toEqual([
      ["100", "alice"],
      ["200", "bob"],
      ["101", "alice-2"],
      ["300", "carol"],
    ])
    expect(decoded.meta.counts).toEqual({ lines: recording.lines.length, messages: 8, events: 14, checkpoints: 2, marks: 1 })
    // Compressed: far smaller than its JSON.
    expect(bytes.length).toBeLessThan(JSON.stringify(recording).length / 2)
  })

  it("says what a file is when it is not a recording", async () => {
    const text = (value: string) => new TextEncoder().encode(value) as Uint8Array<ArrayBuffer>
    expect((await failure(new Uint8Array(0))).message).toMatch(/^The file is empty/)
    const asJson = await failure(text('{"actions": []}'))
    expect(asJson.code).toBe("not-a-recording")
    expect(asJson.message).toBe("Not an Ephemera recording (magic bytes missing): it looks like a JSON file")
    const gzip = await gzipLines(["hello"])
    expect((await failure(gzip)).message).toBe(
      "Not an Ephemera recording (magic bytes missing): it is a gzip file without the recording header",
    )
    expect((await failure(text("random bytes that mean nothing"))).message).toBe("Not an Ephemera recording (magic bytes missing)")
  })

  it("refuses a future format, naming both versions, before decompressing", async () => {
    const bytes = await encodeRecording(recording)
    bytes.set(writeHeader(bytes.length - HEADER_BYTES, 9))
    const error = await failure(bytes)
    expect(error.code).toBe("future-version")
    expect(error.message).toMatch(/^Recording format 9 is newer than this extension \(supports up to 1\)/)
  })

  it("reports a truncated file in events, and in bytes when even the metadata is cut", async () => {
    const bytes = await encodeRecording(recording)
    const cut = await failure(bytes.slice(0, Math.floor(bytes.length * 0.8)))
    expect(cut.code).toBe("truncated")
    expect(cut.message).toMatch(/^Recording is truncated: expected 14 events, found \d+; the file has [\d,]+ of [\d,]+ bytes$/)
    const header = await failure(bytes.slice(0, 12))
    expect(header.message).toBe("Recording is truncated: the file ends inside its 20-byte header (12 bytes)")
    const early = await failure(bytes.slice(0, HEADER_BYTES + 10))
    expect(early.message).toMatch(/^Recording is truncated: expected [\d,]+ bytes, found 30; the file ends before its metadata$/)
    // Whole gzip, but lines missing (cut before compression).
    const meta = json(recording.meta)
    const short = await failure(
      await fileOf([{ ...meta, counts: { ...meta.counts, lines: recording.lines.length + 3 } }, ...recording.lines]),
    )
    expect(short.message).toBe(`Recording is truncated: expected 14 events, found 14`)
  })

  it("opens a file cut short with the complete lines before the cut, and says where it was cut", async () => {
    const bytes = await encodeRecording(recording)
    const partial = await decodeRecording(bytesSource(bytes.slice(0, Math.floor(bytes.length * 0.8))), { acceptCut: true })
    expect(partial.lines.length).toBeGreaterThan(0)
    expect(partial.lines.length).toBeLessThan(recording.lines.length)
    expect(partial.lines).toEqual(json(recording.lines.slice(0, partial.lines.length)))
    const cut = partial.cut!
    expect(cut).toMatchObject({ expected: 14, unit: "events", lastT: partial.lines.at(-1)!.t })
    expect(cut.found).toBeLessThan(14)
    expect(cut.message).toMatch(
      /^This recording was cut short: it holds \d+ of 14 events, up to [\d.]+ s after it started \(the file has [\d,]+ of [\d,]+ bytes\)$/,
    )
    // A whole file opens without a note; a file cut before its first line still fails.
    expect((await decodeRecording(bytesSource(bytes), { acceptCut: true })).cut).toBeUndefined()
    expect((await failure(bytes.slice(0, HEADER_BYTES + 10), { acceptCut: true })).code).toBe("truncated")
  })

  it("reports corruption: damaged compressed data, bad JSON, bad lines, extra bytes", async () => {
    const bytes = await encodeRecording(recording)
    const flipped = bytes.slice()
    flipped[flipped.length - 6]! ^= 0xff
    expect((await failure(flipped)).message).toMatch(/^Recording is corrupted: the compressed data is damaged/)
    const extra = new Uint8Array(bytes.length + 3)
    extra.set(bytes)
    expect((await failure(extra)).message).toBe("Recording is corrupted: 3 unexpected bytes follow the compressed data")
    const [meta, first, ...rest] = json(recording.lines.length ? [recording.meta, ...recording.lines] : [])
    const broken = await fileOf([meta, first, "not json", ...rest])
    expect((await failure(broken)).message).toMatch(/^Recording is corrupted: line 3 (is not valid JSON|is not a record)/)
    const backwards = await fileOf([meta, first, { kind: "mark", t: 1, label: "then" }, ...rest])
    expect((await failure(backwards)).message).toMatch(/^Recording is corrupted: line 3 goes back in time/)
    const noCheckpoint = await fileOf([meta, ...rest])
    expect((await failure(noCheckpoint)).message).toBe("Recording is corrupted: it does not start with a checkpoint")
    const badMessage = await fileOf([
      meta,
      first,
      { kind: "message", t: 2e12, message: { type: "background/page-batch", batch: { seq: "x" } } },
    ])
    expect((await failure(badMessage)).message).toBe("Recording is corrupted: line 3: a page batch without seq or messages")
    expect((await failure(await fileOf([{ kind: "meta" }]))).message).toBe('Recording is corrupted: line 1 (metadata): "app" is missing')
    const empty = await fileOf([{ ...meta, counts: { lines: 0, messages: 0, events: 0, checkpoints: 0, marks: 0 } }])
    expect((await failure(empty)).message).toBe("Recording is corrupted: it holds no checkpoint to start from")
  })

  it("refuses files beyond the limits before reading them whole", async () => {
    const bytes = await encodeRecording(recording)
    const big = await failure(bytes, { limits: { maxFileBytes: 1000 } })
    expect(big.code).toBe("too-large")
    expect(big.message).toMatch(/^Recording is too large to open: [\d,.]+ KB \(this panel opens files up to 1,000 bytes\)$/)
    expect((await failure(bytes, { limits: { maxEvents: 10 } })).message).toBe(
      "Recording is too large to open: 14 events (this panel opens up to 10)",
    )
  })

  it("reads older formats through the migration chain, and says when a step is missing", async () => {
    // Pretend the current format is 2, where marks carry "text" instead of "label".
    const toV2: FormatMigration = {
      from: 1,
      meta: meta => ({ ...(meta as object), migratedFrom: 1 }),
      line: line => line,
    }
    const fromV2: FormatMigration = { from: 2, meta: meta => meta, line: line => line }
    const v1 = await encodeRecording(recording)
    const migrated = await decodeBytes(v1, { currentVersion: 2, migrations: [toV2] })
    expect(migrated.meta).toMatchObject({ migratedFrom: 1 })
    expect(migrated.lines).toEqual(json(recording.lines))
    const missing = await failure(v1, { currentVersion: 3, migrations: [fromV2] })
    expect(missing.message).toBe("Recording format 1 cannot be read: no migration from format 1 to 2")
  })
})
