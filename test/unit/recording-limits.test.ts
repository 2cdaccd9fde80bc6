/**
 * Opening a recording is bounded by what its compressed size can honestly
 * hold: a gzip bomb is refused after a bounded amount of inflating, with a
 * message that says so, and a large real recording still opens. Inputs are
 * generated here; nothing large is committed.
 */
import { describe, expect, it } from "vitest"
import { generateRecording } from "../../bench/recording-generator"
import { bytesSource } from "../../devtools-panel/recording/compression"
import { decodeRecording, DEFAULT_LIMITS, type DecodeOptions } from "../../devtools-panel/recording/decode"
import { encodeRecording } from "../../devtools-panel/recording/encode"
import { RecordingError } from "../../devtools-panel/recording/errors"
import { HEADER_BYTES } from "../../devtools-panel/recording/format"
import { writeHeader } from "../../devtools-panel/recording/header"
import { gzipBomb } from "../support/gzip-bomb"

function recordingFile(payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const file = new Uint8Array(HEADER_BYTES + payload.length)
  file.set(writeHeader(payload.length))
  file.set(payload, HEADER_BYTES)
  return file
}

async function refusal(file: Uint8Array<ArrayBuffer>, options?: DecodeOptions): Promise<RecordingError> {
  try {
    await decodeRecording(bytesSource(file), options)
  } catch (error) {
    if (error instanceof RecordingError) return error
    throw error
  }
  throw new Error("the file was opened")
}

describe("bounded decompression", () => {
  it("refuses a 1 GB gzip bomb as one, without inflating it", async () => {
    const bomb = await gzipBomb(1024 * 1024 * 1024)
    expect(bomb.length).toBeLessThan(1.1 * 1024 * 1024)
    const error = await refusal(recordingFile(bomb))
    expect(error.code).toBe("too-large")
    // How far ahead of the decompressor the file is read depends on the platform (a step in browsers, all of it in Node).
    expect(error.message).toMatch(
      /^Recording refused: [\d,.]+ KB of its compressed data already expand to over [\d,.]+ MB, more than 50 times their size, which no real recording does: it looks like a decompression bomb$/,
    )
    // Never more than 50 times the whole file, however far ahead it was read.
    const [, read, limit] = /: ([\d,.]+) KB .* over ([\d,.]+) MB/.exec(error.message)!.map(text => Number(text.replaceAll(",", "")))
    expect(limit! * 1024).toBeLessThanOrEqual(50 * read! + 100)
    expect(read! * 1024).toBeLessThanOrEqual(bomb.length + 1024)
  })

  it("allows any file its first 2 MB, whatever the ratio, and no more", async () => {
    // 32 MB from 32 KB: 50 times 32 KB is less than the 2 MB anything may take.
    const error = await refusal(recordingFile(await gzipBomb(32 * 1024 * 1024)))
    expect(error.message).toMatch(/^Recording refused: 32 KB of its compressed data already expand to over 2\.0 MB, more than 50 times/)
  })

  it("opens a real 100,000-event recording, and names the absolute cap when a recording passes it", async () => {
    const recording = generateRecording(100_000)
    const file = await encodeRecording(recording)
    const opened = await decodeRecording(bytesSource(file))
    expect(opened.meta.counts.events).toBeGreaterThanOrEqual(100_000)
    expect(opened.lines).toHaveLength(recording.lines.length)
    expect(file.length * DEFAULT_LIMITS.maxExpansionRatio).toBeGreaterThan(JSON.stringify(recording.lines).length)

    const capped = await refusal(file, { limits: { maxExpandedBytes: 8 * 1024 * 1024, minExpansionBudget: 0 } })
    expect(capped.message).toBe("Recording refused: it expands to over 8.0 MB (this panel opens recordings up to 8.0 MB uncompressed)")
  })
})
