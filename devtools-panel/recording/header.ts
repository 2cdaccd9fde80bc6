/**
 * The fixed binary header in front of the compressed payload. Magic and
 * version sit at the same offsets in every format version, so any reader can
 * say "not a recording" or "too new" before it decompresses a byte.
 */
import { formatCount } from "../values/format"
import { RecordingError } from "./errors"
import { COMPRESSION_GZIP, HEADER_BYTES, RECORDING_FORMAT_VERSION, RECORDING_MAGIC } from "./format"

export interface RecordingHeader {
  version: number
  compression: number
  /** Length of the compressed payload after the header. */
  payloadBytes: number
}

export function writeHeader(payloadBytes: number, version = RECORDING_FORMAT_VERSION): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES)
  bytes.set(RECORDING_MAGIC, 0)
  const view = new DataView(bytes.buffer)
  view.setUint32(8, version, true)
  view.setUint32(12, COMPRESSION_GZIP, true)
  view.setUint32(16, payloadBytes, true)
  return bytes
}

/** What the first bytes of a file that is not a recording look like, to say what it probably is. */
function guessFormat(bytes: Uint8Array): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return ": it is a gzip file without the recording header"
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return ": it is a zip archive"
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 64)).trimStart()
  if (text.startsWith("{") || text.startsWith("[")) return ": it looks like a JSON file"
  if (text.startsWith("<")) return ": it looks like an HTML or XML file"
  return ""
}

/**
 * Reads and checks the header from the file's first bytes (at least
 * HEADER_BYTES unless the file is shorter). `maxVersion` is the newest format
 * this reader understands.
 */
export function readHeader(bytes: Uint8Array, fileSize: number, maxVersion = RECORDING_FORMAT_VERSION): RecordingHeader {
  if (fileSize === 0) throw new RecordingError("empty", "The file is empty: a recording holds at least a header and its metadata")
  const magicOk = RECORDING_MAGIC.every((byte, index) => bytes[index] === byte)
  if (!magicOk) throw new RecordingError("not-a-recording", `Not an Ephemera recording (magic bytes missing)${guessFormat(bytes)}`)
  if (fileSize < HEADER_BYTES) {
    throw new RecordingError(
      "truncated",
      `Recording is truncated: the file ends inside its ${HEADER_BYTES}-byte header (${formatCount(fileSize)} bytes)`,
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES)
  const version = view.getUint32(8, true)
  if (version === 0) throw new RecordingError("corrupted", "Recording is corrupted: its header gives format version 0")
  if (version > maxVersion) {
    throw new RecordingError(
      "future-version",
      `Recording format ${version} is newer than this extension (supports up to ${maxVersion}): update Ephemera DevTools to open it`,
    )
  }
  const compression = view.getUint32(12, true)
  if (compression !== COMPRESSION_GZIP) {
    throw new RecordingError(
      "unsupported",
      `Recording uses compression method ${compression}; this extension reads gzip (${COMPRESSION_GZIP}) only`,
    )
  }
  return { version, compression, payloadBytes: view.getUint32(16, true) }
}
